using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using MaskRcnn.Graph;
using MaskRcnn.Tests.Graph;
using OpenCvSharp;

namespace MaskRcnn.Tests.Reliability;

/// <summary>
/// Files that are not the model they claim to be, and protobuf "bombs": each is refused with a typed exception that
/// names the problem, quickly and without allocating what the file claims.
/// </summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class HostileModelFileTests(SyntheticModels models)
{
    private static readonly string Demo = RepositoryPaths.Combine("models", "demo");
    private static readonly byte[] Weights = File.ReadAllBytes(Path.Combine(Demo, "weights.pb"));
    private static readonly byte[] Frozen = File.ReadAllBytes(Path.Combine(Demo, "frozen_inference_graph.pb"));
    private static readonly string TextGraph = File.ReadAllText(Path.Combine(Demo, "graph.pbtxt"));

    private string Write(string name, byte[] bytes)
    {
        var path = models.TempFile(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs <paramref name="load"/>, which must throw <see cref="ModelLoadException"/> within a few seconds.</summary>
    private static ModelLoadException Refused(Func<MaskRcnnDetector> load)
    {
        var clock = Stopwatch.StartNew();
        var e = Record.Exception(() => load().Dispose());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {clock.Elapsed}");
        return Assert.IsType<ModelLoadException>(e, exactMatch: true);
    }

    [Fact]
    public void A_file_that_exists_but_cannot_be_read_is_named_with_the_reason()
    {
        // /proc/self/mem exists for everyone, root included, and reading it from offset 0 fails with an I/O error.
        var e = Refused(() => MaskRcnnDetector.Load("/proc/self/mem"));
        Assert.Equal("/proc/self/mem", e.FilePath);
        Assert.Contains("cannot be read", e.Message);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
    }

    [Fact]
    public void An_image_a_zip_or_a_readme_passed_as_the_model_or_the_text_graph_is_refused()
    {
        using var picture = new Mat(64, 64, MatType.CV_8UC3, Scalar.All(200));
        var png = Write("picture.pb", picture.ImEncode(".png"));
        var jpeg = Write("picture.pbtxt", picture.ImEncode(".jpg"));
        var zipPath = models.TempFile("model.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            zip.CreateEntryFromFile(Path.Combine(Demo, "frozen_inference_graph.pb"), "frozen_inference_graph.pb");
        var readme = Path.Combine(Demo, "README.md");

        Assert.Contains("not a valid binary GraphDef", Refused(() => MaskRcnnDetector.Load(png)).Message);
        Assert.Contains("not a valid binary GraphDef", Refused(() => MaskRcnnDetector.Load(zipPath)).Message);
        Assert.Contains("looks like a text graph", Refused(() => MaskRcnnDetector.Load(readme)).Message);
        Assert.Contains("is not a text graph: it is binary", Refused(() => MaskRcnnDetector.Load(Path.Combine(Demo, "weights.pb"), jpeg)).Message);
        Assert.Contains("is not a text graph: it is binary", Refused(() => MaskRcnnDetector.Load(Path.Combine(Demo, "weights.pb"), zipPath)).Message);
        var text = Refused(() => MaskRcnnDetector.Load(Path.Combine(Demo, "weights.pb"), readme));
        Assert.Contains("not a valid text graph", text.Message);
        Assert.Equal(readme, text.FilePath);
    }

    [Fact]
    public void The_text_graph_of_another_model_is_refused_before_OpenCV_sees_it()
    {
        // The 90-class synthetic model's text graph names the same weights but with other shapes and classes.
        var e = Refused(() => MaskRcnnDetector.Load(Path.Combine(Demo, "weights.pb"), models.NinetyFiles.TextGraph));
        // Without this check OpenCV loaded the net and failed only at the first forward pass.
        Assert.Equal(models.NinetyFiles.TextGraph, e.FilePath);
        Assert.Null(e.InnerException);
        Assert.Contains("declares 90 classes", e.Message);
        Assert.Contains("'SecondStageBoxPredictor/ClassPredictor/weights'", e.Message);
        Assert.Contains("not 91 columns", e.Message);
    }

    [Fact]
    public void A_text_graph_without_the_final_detections_says_so()
    {
        var text = TextGraph.Replace("name: \"detection_out_final\"", "name: \"detection_out_renamed\"", StringComparison.Ordinal)
            .Replace("input: \"detection_out_final\"", "input: \"detection_out_renamed\"", StringComparison.Ordinal);
        var e = Refused(() => MaskRcnnDetector.Load(Weights, Encoding.UTF8.GetBytes(text)));
        Assert.Contains("no node named 'detection_out_final'", e.Message);
    }

    [Theory]
    [InlineData("Grid/ObjectMax/Step_43/MaxPool", "MaxPool", 1)]
    [InlineData("Grid/ObjectMax/Step_43/mul", "Mul", 2)]
    [InlineData("FirstStageFeatureExtractor/Conv2d_0a_1x1/Conv2D", "Conv2D", 2)]
    [InlineData("CropAndResize", "CropAndResize", 3)]
    public void A_node_that_lost_an_input_is_refused_before_OpenCV_reads_past_its_input_list(string node, string op, int needed)
    {
        // OpenCV's importer reads inputs by position without counting them: a MaxPool without its input
        // crashed the process (SIGSEGV) before this check.
        var graph = GraphDefText.Read(TextGraph);
        var damaged = new GraphDef(graph.Nodes.Select(n => n.Name != node ? n : new NodeDef(n.Name, n.Op)
        {
            Inputs = n.Inputs.Take(needed - 1).ToList(),
            Attributes = n.Attributes,
            Device = n.Device,
        }).ToList());
        Assert.Contains(damaged.Nodes, n => n.Name == node);
        var e = Refused(() => MaskRcnnDetector.Load(Weights, Encoding.UTF8.GetBytes(GraphDefText.Write(damaged))));
        Assert.Contains($"node '{node}' ({op}) has {needed - 1} input(s) but needs {needed}", e.Message);
    }

    [Fact]
    public void Absurd_field_lengths_are_refused_without_allocating_them()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        // A GraphDef.node field claiming 2 GiB - 1 bytes, and one claiming 2^63.
        var e1 = Refused(() => MaskRcnnDetector.Load((byte[])[0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x0A, 0x01, 0x61]));
        var e2 = Refused(() => MaskRcnnDetector.Load((byte[])[0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x0A]));
        // A tensor whose shape claims 2^31 x 2^31 floats, with 4 bytes of data.
        var w = new WireWriter();
        w.Message(1, node => node.StringField(1, "huge").StringField(2, "Const").Message(5, e => e.StringField(1, "value").Message(2, v => v.Message(8, t => t
            .VarintField(1, 1)
            .Message(2, s => s.Message(2, d => d.VarintField(1, 1L << 31)).Message(2, d => d.VarintField(1, 1L << 31)))
            .BytesField(4, [0, 0, 0, 0])))));
        var huge = Frozen.Concat(w.ToArray()).ToArray();
        var e3 = Refused(() => MaskRcnnDetector.Load(huge));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Contains("runs past the end", e1.Message);
        Assert.Contains("Malformed protobuf", e2.Message);
        Assert.Contains("Const node 'huge' declares shape [2147483648,2147483648], too large", e3.Message);
        Assert.True(allocated < 64 << 20, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void Text_nested_a_hundred_thousand_levels_deep_is_refused_without_a_stack_overflow()
    {
        const int depth = 100_000;
        var text = new StringBuilder("node {\n  name: \"deep\"\n  op: \"NoOp\"\n  ");
        text.Insert(text.Length, "x { ", depth).Insert(text.Length, "} ", depth).Append("\n}\n").Append(TextGraph);
        var e = Refused(() => MaskRcnnDetector.Load(Weights, Encoding.UTF8.GetBytes(text.ToString())));
        Assert.Contains("nested deeper than 64 levels", e.Message);
    }

    [Fact]
    public void Binary_attributes_nested_a_hundred_thousand_levels_deep_are_refused_without_a_stack_overflow()
    {
        // AttrValue.func is a NameAttrList whose attributes are AttrValues again: the schema allows any depth.
        var inner = NestedNameAttrList(100_000);
        var node = new WireWriter().Message(1, n => n.StringField(1, "deep").StringField(2, "NoOp")
            .Message(5, e => e.StringField(1, "f").Message(2, v => v.BytesField(10, inner)))).ToArray();
        var e = Refused(() => MaskRcnnDetector.Load((byte[])[.. Frozen, .. node]));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    /// <summary>
    /// NameAttrList { name: "f" attr { key: "f" value { func { ... } } } } nested <paramref name="depth"/> times. Each
    /// level's nested part comes last, so the bytes are every level's header, outermost first, then the leaf; the
    /// lengths are worked out from the inside.
    /// </summary>
    private static byte[] NestedNameAttrList(int depth)
    {
        static int VarintLength(long v) => v < 0x80 ? 1 : 1 + VarintLength(v >> 7);
        var leaf = new WireWriter().StringField(1, "leaf").ToArray();
        var lengths = new (long List, long Entry, long Value)[depth];
        long current = leaf.Length;
        for (var k = 0; k < depth; k++)
        {
            var value = 1 + VarintLength(current) + current;
            var entry = 4 + VarintLength(value) + value;
            lengths[k] = (current, value, entry);
            current = 4 + VarintLength(entry) + entry;
        }
        var w = new WireWriter();
        for (var k = depth - 1; k >= 0; k--)
        {
            var (list, value, entry) = lengths[k];
            w.StringField(1, "f").Tag(2, 2).Varint((ulong)entry);
            w.StringField(1, "f").Tag(2, 2).Varint((ulong)value);
            w.Tag(10, 2).Varint((ulong)list);
        }
        var headers = w.ToArray();
        Assert.Equal(current, headers.Length + leaf.Length);
        return [.. headers, .. leaf];
    }

    [Fact]
    public void A_node_with_a_million_inputs_and_a_tensor_with_millions_of_listed_values_are_handled_in_bounded_time()
    {
        var inputs = new WireWriter().Message(1, n =>
        {
            n.StringField(1, "many_inputs").StringField(2, "NoOp");
            for (var i = 0; i < 1_000_000; i++) n.StringField(3, "^image_tensor");
        }).ToArray();
        var e1 = Refused(() => MaskRcnnDetector.Load((byte[])[.. Frozen, .. inputs]));
        Assert.Contains("node 'many_inputs' (NoOp) lists 1000000 inputs, more than the 10000", e1.Message);

        // A packed float_val of 4 million values in a 16-byte tensor: the listed count does not match the shape.
        var values = new float[4_000_000];
        var listed = new WireWriter().Message(1, n => n.StringField(1, "listed").StringField(2, "Const")
            .Message(5, e => e.StringField(1, "value").Message(2, v => v.Message(8, t => t
                .VarintField(1, 1)
                .Message(2, s => s.Message(2, d => d.VarintField(1, 4)))
                .PackedFloats(5, values))))).ToArray();
        var e2 = Refused(() => MaskRcnnDetector.Load((byte[])[.. Frozen, .. listed]));
        Assert.Contains("lists 4000000 values but its shape [4] holds 4", e2.Message);
    }
}
