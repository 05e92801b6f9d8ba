using System.Diagnostics;
using System.IO.Compression;
using MaskRcnn.Preprocessing;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Reliability;

/// <summary>Images that are empty, tiny, giant, damaged or in unusual formats: typed errors, and in a batch they fail alone.</summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class HostileImageTests(SyntheticModels models)
{
    internal static Scene GoodScene() => new SceneBuilder(640, 480, new SyntheticModelOptions())
        .AddRectangle(new Rect(96, 96, 160, 96), 0)
        .AddRectangle(new Rect(384, 192, 128, 192), 2)
        .Build();

    /// <summary>A valid, decodable 8-bit gray PNG of <paramref name="side"/> x <paramref name="side"/> black pixels (small: its rows compress to almost nothing).</summary>
    internal static byte[] BlackPng(int side)
    {
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[side + 1];
            for (var y = 0; y < side; y++) z.Write(row);
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 8; // bit depth; colour type 0 (gray), no interlace
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var crc = Crc32([.. header.AsSpan(4), .. data]);
        var crcBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        png.Write(crcBytes);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void A_20000_by_20000_image_is_refused_by_its_header_before_it_is_decoded()
    {
        var giant = BlackPng(20_000);
        Assert.Equal((20_000, 20_000), ImageFile.TryReadSize(giant));
        var path = models.TempFile("giant.png");
        File.WriteAllBytes(path, giant);
        using var detector = models.Load();

        var clock = Stopwatch.StartNew();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var fromPath = Assert.Throws<InvalidImageException>(() => detector.Detect(path));
        var fromBytes = Assert.Throws<InvalidImageException>(() => detector.Detect(giant));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before - 2L * giant.Length;

        Assert.Contains($"{path}: the image is 20000x20000 = 400000000 pixels by its header, more than the limit of 100000000", fromPath.Message);
        Assert.Contains("it was not decoded", fromBytes.Message);
        Assert.StartsWith("image bytes: ", fromBytes.Message);
        // Decoding would need 400 MB of pixels; refusing takes well under a second and no pixel memory.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{clock.Elapsed}");
        Assert.True(allocated < 8 << 20, $"{allocated} bytes allocated");

        // Below the limit the same file decodes: the refusal is the limit, not a broken file.
        var small = BlackPng(300);
        using var decoded = ImageFile.Decode(small, maxPixels: 300 * 300);
        Assert.Equal(new Size(300, 300), decoded.Size());
        Assert.Contains("90000 pixels by its header", Assert.Throws<InvalidImageException>(() => ImageFile.Decode(small, maxPixels: 89_999)).Message);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    [InlineData(".bmp")]
    [InlineData(".webp")]
    [InlineData(".tiff")]
    [InlineData(".ppm")]
    [InlineData(".pgm")]
    public void The_size_is_read_from_the_header_of_every_common_format(string extension)
    {
        using var image = new Mat(23, 37, extension == ".pgm" ? MatType.CV_8UC1 : MatType.CV_8UC3, Scalar.All(90));
        var bytes = image.ImEncode(extension);
        Assert.Equal((37, 23), ImageFile.TryReadSize(bytes));
        // A header cut short is not guessed at.
        Assert.Null(ImageFile.TryReadSize(bytes.AsSpan(0, 5)));
    }

    [Fact]
    public void Gif_and_unknown_headers_are_read_or_left_to_the_decoder()
    {
        byte[] gif = [.. "GIF89a"u8, 0x20, 0x4E, 0x10, 0x27, 0, 0, 0];
        Assert.Equal((20000, 10000), ImageFile.TryReadSize(gif));
        Assert.Null(ImageFile.TryReadSize("hello, world"u8));
        Assert.Null(ImageFile.TryReadSize([]));
    }

    [Fact]
    public void Truncated_png_and_jpeg_at_every_tenth_of_a_percent_decode_partially_or_fail_with_InvalidImageException()
    {
        using var detector = models.Load(options: MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = new Size(320, 320) } });
        using var image = GoodScene().ToMat();
        var tried = 0;
        foreach (var extension in new[] { ".png", ".jpg" })
        {
            var bytes = image.ImEncode(extension);
            for (var k = 0; k < 1000; k += 10)
            {
                var prefix = bytes.AsSpan(0, (int)((long)bytes.Length * k / 1000)).ToArray();
                var e = Record.Exception(() => detector.Detect(prefix));
                if (e is not null) Assert.Contains("image bytes: ", Assert.IsType<InvalidImageException>(e).Message);
                tried++;
            }
        }
        Assert.Equal(200, tried);
    }

    [Fact]
    public void A_batch_of_good_unusual_and_broken_files_fails_only_the_broken_ones_and_gets_the_others_right()
    {
        using var detector = models.Load();
        var scene = GoodScene();
        using var bgr = scene.ToMat();
        var reference = MaskRcnnDetectorTests.Describe(detector.Detect(bgr));
        Assert.Equal(2, reference.Count);

        string Save(string name, Mat mat)
        {
            var path = models.TempFile("batch-" + name);
            Assert.True(Cv2.ImWrite(path, mat), path);
            return path;
        }
        string Bytes(string name, byte[] bytes)
        {
            var path = models.TempFile("batch-" + name);
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var gray = bgr.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var bgra = bgr.CvtColor(ColorConversionCodes.BGR2BGRA);
        using var sixteen = new Mat();
        bgr.ConvertTo(sixteen, MatType.CV_16UC3, 257);
        using var one = new Mat(1, 1, MatType.CV_8UC3, Scalar.All(242));
        var png = bgr.ImEncode(".png");
        var corrupt = (byte[])png.Clone();
        // Damage the image data but keep the header: the decoder, not the header check, finds it.
        for (var i = 100; i < corrupt.Length - 20; i += 37) corrupt[i] ^= 0x5A;

        var inputs = new (string Path, bool Good, int? Instances)[]
        {
            (Save("good.png", bgr), true, 2),
            (Bytes("empty.png", []), false, null),
            (Save("gray.png", gray), true, 2),
            (Bytes("truncated.png", png[..(png.Length / 2)]), false, null),
            (Save("bgra.png", bgra), true, 2),
            (Bytes("giant.png", BlackPng(20_000)), false, null),
            (Save("sixteen-bit.png", sixteen), true, 2),
            (Bytes("corrupt.png", corrupt), false, null),
            // One bright pixel, scaled up to the network input, is one "bright" object the size of the image.
            (Save("one-pixel.png", one), true, 1),
            (Bytes("notes.jpg", "not an image"u8.ToArray()), false, null),
            (models.TempFile("batch-missing.png"), false, null),
            (models.Root, false, null),
            (Save("good.jpg", bgr), true, 2),
        };

        var outcomes = detector.DetectBatch(ImageInput.FromFiles(inputs.Select(i => i.Path)));

        Assert.Equal(inputs.Select(i => i.Good), outcomes.Select(o => o.Succeeded));
        for (var k = 0; k < inputs.Length; k++)
        {
            var (path, good, instances) = inputs[k];
            Assert.Equal(path, outcomes[k].Source);
            if (good)
            {
                Assert.Equal(instances, outcomes[k].Result!.Instances.Count);
                if (path.EndsWith(".png", StringComparison.Ordinal) && instances == 2)
                    Assert.Equal(reference, MaskRcnnDetectorTests.Describe(outcomes[k].Result!));
                continue;
            }
            Assert.True(outcomes[k].Error is InvalidImageException, $"{path}: {outcomes[k].Error}");
            Assert.Contains(path, outcomes[k].Error!.Message);
        }
        var pixel = Assert.Single(outcomes[8].Result!.Instances);
        Assert.Equal((2, new Rect(0, 0, 1, 1), 1), (pixel.ClassId, pixel.Box, pixel.Area));
        Assert.Contains("20000x20000", outcomes[5].Error!.Message);
        Assert.Contains("empty (0 bytes)", outcomes[1].Error!.Message);
        Assert.Contains("is a folder", outcomes[11].Error!.Message);
    }

    [Fact]
    public void A_batch_of_mats_fails_the_unusable_ones_alone()
    {
        using var detector = models.Load();
        using var good = GoodScene().ToMat();
        using var empty = new Mat();
        using var floats = new Mat(50, 50, MatType.CV_32FC3, Scalar.All(0.5));
        using var twoChannels = new Mat(50, 50, MatType.CV_8UC2, Scalar.All(10));
        var disposed = new Mat(10, 10, MatType.CV_8UC3);
        disposed.Dispose();

        var outcomes = detector.DetectBatch([good, empty, floats, twoChannels, disposed, good]);

        Assert.Equal([true, false, false, false, false, true], outcomes.Select(o => o.Succeeded));
        Assert.IsType<InvalidImageException>(outcomes[1].Error);
        Assert.Contains("ConvertTo", outcomes[2].Error!.Message);
        Assert.Contains("2 channels", outcomes[3].Error!.Message);
        Assert.IsType<ObjectDisposedException>(outcomes[4].Error);
        Assert.Equal(MaskRcnnDetectorTests.Describe(outcomes[0].Result!), MaskRcnnDetectorTests.Describe(outcomes[5].Result!));
        Assert.Equal("image #4", outcomes[4].Source);
    }
}
