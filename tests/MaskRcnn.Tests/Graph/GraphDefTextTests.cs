using System.Text;
using MaskRcnn.Graph;
using MaskRcnn.Synthetic;

namespace MaskRcnn.Tests.Graph;

public sealed class GraphDefTextTests
{
    public static TheoryData<int> ClassCounts => [3, 90];

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Synthetic_model_graphs_read_back_equal_and_rewrite_to_the_same_text(int numClasses)
    {
        var model = SyntheticModelBuilder.Build(new SyntheticModelOptions { NumClasses = numClasses });
        foreach (var graph in new[] { GraphDefBinary.Read(model.FrozenGraphBytes()), GraphDefText.Read(model.TextGraphText()) })
        {
            var text = GraphDefText.Write(graph);
            var read = GraphDefText.Read(text);
            GraphAssert.Equal(graph, read);
            Assert.Equal(text, GraphDefText.Write(read));
        }
    }

    [Fact]
    public void Every_attribute_kind_and_awkward_value_survives_a_round_trip()
    {
        var graph = SampleGraphs.EveryAttrKind();
        var text = GraphDefText.Write(graph);
        var read = GraphDefText.Read(text);

        GraphAssert.Equal(graph, read);
        Assert.Equal(text, GraphDefText.Write(read));
        // Text and binary agree on the same graph.
        GraphAssert.Equal(GraphDefBinary.Read(GraphDefBinary.Write(graph)), read);
        // The text stays printable ASCII: quotes, newlines and non-ASCII bytes are escaped.
        Assert.All(text, c => Assert.True(c == '\n' || (c >= ' ' && c < 127), $"unescaped character U+{(int)c:X4}"));
        Assert.Contains("name: \"scope/\\\"quoted\\\" name\\nwith \\303\\274\"", text, StringComparison.Ordinal);
        Assert.Contains("f: -inf", text, StringComparison.Ordinal);
        Assert.Contains("f: nan", text, StringComparison.Ordinal);
        Assert.Contains("i: -9223372036854775808", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_written_text_in_the_forms_other_writers_use_parses()
    {
        const string text = """
            # A comment line, then a node written with every spelling protobuf's text parser accepts.
            node {
              name: 'single\'quoted'   # trailing comment
              op: "Con" "cat"          # adjacent strings concatenate
              input: "a" input: "b:1";
              attr { key: "N" value { i: 0x1F } }
              attr < key: "axis" value < tensor { dtype: DT_INT32 tensor_shape { } int_val: -1 } > >
              attr {
                key: "values"
                value {
                  list { i: [1, -2, 3] f: [1e3, -inf, NaN, 2.5f, infinity] b: [true, False, t, 0] type: [DT_FLOAT, 3] s: ["\x41\102\n"] }
                }
              }
              attr { key: "flag" value { b: True } }
              attr { key: "shape" value { shape { dim { size: -1 } dim: { size: 7 } } } }
            }
            node { name: "b" op: "NoOp" }
            versions { producer: 38 min_consumer: 12 }
            """;

        var graph = GraphDefText.Read(text);

        Assert.Equal(38, graph.Producer);
        Assert.Equal(2, graph.Nodes.Count);
        var node = graph.Nodes[0];
        Assert.Equal("single'quoted", node.Name);
        Assert.Equal("Concat", node.Op);
        Assert.Equal(["a", "b:1"], node.Inputs);
        Assert.Equal(31L, node.Attr("N")!.IntValue);
        Assert.Equal([-1], node.Attr("axis")!.TensorValue!.IntValues);
        var list = node.Attr("values")!.ListValue!;
        Assert.Equal([1L, -2, 3], list.Ints);
        Assert.Equal(5, list.Floats.Count);
        Assert.Equal(1000f, list.Floats[0]);
        Assert.Equal(float.NegativeInfinity, list.Floats[1]);
        Assert.True(float.IsNaN(list.Floats[2]));
        Assert.Equal(2.5f, list.Floats[3]);
        Assert.Equal(float.PositiveInfinity, list.Floats[4]);
        Assert.Equal([true, false, true, false], list.Bools);
        Assert.Equal([TensorDataType.DT_FLOAT, TensorDataType.DT_INT32], list.Types);
        Assert.Equal("AB\n"u8.ToArray(), list.Strings[0]);
        Assert.True(node.Attr("flag")!.BoolValue);
        Assert.Equal(new TensorShape(-1, 7), node.Attr("shape")!.ShapeValue);
    }

    [Theory]
    [InlineData("node {\n  name: \"a\n}\n", 2, "unterminated string")]
    [InlineData("node {\n  name: \"a\"\n  op: \"b\"\n", 4, "missing '}'")]
    [InlineData("node {\n  name: \"a\"\n  attr {\n    key: \"k\"\n    value { i: 12x }\n  }\n}\n", 5, "should be an integer")]
    [InlineData("node {\n  name: \"bad \\q escape\"\n}\n", 2, "unknown escape")]
    [InlineData("node { name: \"a\" }\n}\n", 2, "expected a field name but found '}'")]
    [InlineData("node {\n\n\n  attr { key: \"k\" value { b: maybe } }\n}\n", 4, "true or false")]
    [InlineData("node {\n  attr { key: \"k\" value { type: DT_BOGUS } }\n}\n", 2, "data type")]
    [InlineData("node {\n  name \"a\"\n}\n", 2, "expected ':' or '{'")]
    [InlineData("node {\n  attr { key: \"k\" value { f: 1.2.3 } }\n}\n", 2, "should be a number")]
    [InlineData("node {\n  name: { x: 1 }\n}\n", 2, "should be a quoted string")]
    [InlineData("node: \"text\"\n", 1, "should be a message")]
    public void Parse_errors_name_the_line(string text, int line, string problem)
    {
        var ex = Assert.Throws<GraphFormatException>(() => GraphDefText.Read(text));
        Assert.Contains($"at line {line}:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_a_format_error_not_a_stack_overflow()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 10_000; i++) text.Append("a {\n");
        var ex = Assert.Throws<GraphFormatException>(() => GraphDefText.Read(text.ToString()));
        Assert.Contains("nested deeper than", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at line 65:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_text_at_every_offset_parses_or_throws_GraphFormatException()
    {
        var text = GraphDefText.Write(SampleGraphs.EveryAttrKind());
        var failures = 0;
        for (var n = 0; n < text.Length; n++)
        {
            var ex = Record.Exception(() => GraphDefText.Read(text[..n]));
            if (ex is null) continue;
            var format = Assert.IsType<GraphFormatException>(ex, exactMatch: true);
            Assert.Matches(@"^Malformed text graph at line \d+: ", format.Message);
            failures++;
        }
        // Almost every cut leaves an open brace or a half token; only cuts between top-level nodes parse.
        Assert.True(failures > text.Length * 9 / 10, $"{failures} of {text.Length} cuts failed");
    }
}
