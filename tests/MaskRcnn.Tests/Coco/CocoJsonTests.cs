using System.Text;
using MaskRcnn.Coco;

namespace MaskRcnn.Tests.Coco;

public class CocoJsonTests
{
    private const string Instances = """
        {
          "info": {"description": "test", "nested": [1, {"a": [2, 3]}]},
          "licenses": [],
          "images": [
            {"id": 1, "width": 6, "height": 4, "file_name": "one.jpg", "license": 3},
            {"id": 2, "width": 3, "height": 3, "file_name": "two.jpg"}
          ],
          "annotations": [
            {"id": 10, "image_id": 1, "category_id": 18, "iscrowd": 0, "area": 6.5,
             "bbox": [1.0, 1.0, 3.0, 2.0],
             "segmentation": [[1, 1, 4, 1, 4, 3, 1, 3]]},
            {"id": 11, "image_id": 2, "category_id": 18, "iscrowd": 0, "area": 6,
             "bbox": [0, 0, 3, 3],
             "segmentation": {"size": [3, 3], "counts": "251L"}},
            {"id": 900100000012, "image_id": 1, "category_id": 1, "iscrowd": 1, "area": 4,
             "bbox": [4, 0, 2, 2],
             "segmentation": {"size": [4, 6], "counts": [16, 2, 2, 2, 2]}}
          ],
          "categories": [
            {"id": 1, "name": "person", "supercategory": "person"},
            {"id": 18, "name": "dog", "supercategory": "animal"}
          ]
        }
        """;

    [Fact]
    public void Reads_instances_with_polygon_rle_and_uncompressed_rle_segmentations()
    {
        var dataset = CocoDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(Instances)));

        Assert.Equal([new CocoImage(1, 6, 4, "one.jpg"), new CocoImage(2, 3, 3, "two.jpg")], dataset.Images);
        Assert.Equal([new CocoCategory(1, "person", "person"), new CocoCategory(18, "dog", "animal")], dataset.Categories);
        Assert.Equal(3, dataset.Annotations.Count);

        var polygon = dataset.Annotations[0];
        Assert.Equal((10L, 1L, 18L, 6.5, false), (polygon.Id, polygon.ImageId, polygon.CategoryId, polygon.Area, polygon.IsCrowd));
        Assert.Equal(new CocoBox(1, 1, 3, 2), polygon.Bbox);
        Assert.Equal(CocoSegmentationKind.Polygons, polygon.Segmentation!.Kind);
        Assert.Equal([1.0, 1, 4, 1, 4, 3, 1, 3], polygon.Segmentation.Polygons[0]);

        // The rectangle x 1..4, y 1..3 on the 4x6 image: pixels 1..3 of rows 1..2.
        var polygonMask = polygon.Segmentation.ToRle(4, 6);
        Assert.Equal(6, polygonMask.Area());
        Assert.Equal(new CocoBox(1, 1, 3, 2), polygonMask.ToBoundingBox());

        var rle = dataset.Annotations[1].Segmentation!;
        Assert.Equal(CocoSegmentationKind.Rle, rle.Kind);
        Assert.Equal([2, 5, 1, 1], rle.Rle!.Counts.ToArray());
        Assert.Equal(rle.Rle, rle.ToRle(3, 3));

        var crowd = dataset.Annotations[2];
        Assert.Equal(900100000012L, crowd.Id);
        Assert.True(crowd.IsCrowd);
        Assert.Equal(CocoSegmentationKind.UncompressedRle, crowd.Segmentation!.Kind);

        // Column-major runs [16, 2, 2, 2, 2] on 4x6: columns 0-3 empty, then rows 0-1 of columns 4 and 5.
        var crowdMask = crowd.Segmentation.Rle!;
        Assert.Equal(4, crowdMask.Area());
        Assert.Equal(new CocoBox(4, 0, 2, 2), crowdMask.ToBoundingBox());

        Assert.True(dataset.TryGetImage(2, out var two));
        Assert.Equal("two.jpg", two.FileName);
        Assert.False(dataset.TryGetImage(3, out _));
        Assert.True(dataset.TryGetCategory(18, out var dog));
        Assert.Equal("dog", dog.Name);
    }

    [Fact]
    public void Dataset_survives_save_and_load()
    {
        var dataset = CocoDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(Instances)));
        var stream = new MemoryStream();
        dataset.Save(stream);
        stream.Position = 0;
        var again = CocoDataset.Load(stream);

        Assert.Equal(dataset.Images, again.Images);
        Assert.Equal(dataset.Categories, again.Categories);
        for (int i = 0; i < dataset.Annotations.Count; i++)
        {
            var a = dataset.Annotations[i];
            var b = again.Annotations[i];
            Assert.Equal((a.Id, a.ImageId, a.CategoryId, a.Area, a.Bbox, a.IsCrowd), (b.Id, b.ImageId, b.CategoryId, b.Area, b.Bbox, b.IsCrowd));
            Assert.Equal(a.Segmentation!.Kind, b.Segmentation!.Kind);
            Assert.Equal(a.Segmentation.ToRle(4, 6), b.Segmentation.ToRle(4, 6));
        }
    }

    [Fact]
    public void Missing_area_and_iscrowd_get_defaults()
    {
        const string json = """
            {"images": [{"id": 1, "width": 4, "height": 4}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": [[0, 0, 0, 2, 2, 2, 2, 0]]},
                             {"id": 2, "image_id": 1, "category_id": 1, "bbox": [0, 0, 3, 1]}],
             "categories": [{"id": 1}]}
            """;
        var dataset = CocoDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(4, dataset.Annotations[0].Area); // from the rasterised polygon
        Assert.Equal(3, dataset.Annotations[1].Area); // from the box
        Assert.False(dataset.Annotations[0].IsCrowd);
        Assert.Equal(string.Empty, dataset.Images[0].FileName);
        Assert.Equal(string.Empty, dataset.Categories[0].Name);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"images": {}}""", "'images' must be a list")]
    [InlineData("""{"images": [{"id": 1, "width": 4}]}""", "images[0] has no 'height'")]
    [InlineData("""{"images": [{"id": "x", "width": 4, "height": 4}]}""", "must be an integer")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 4}, {"id": 1, "width": 4, "height": 4}]}""", "Image id 1 occurs twice")]
    [InlineData("""{"annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3]}]}""", "'bbox' must have 4 numbers")]
    [InlineData("""{"annotations": [{"id": 5, "image_id": 1, "category_id": 1, "segmentation": {"size": [3, 3], "counts": "25"}}]}""", "annotations[0] (id 5): invalid RLE segmentation")]
    [InlineData("""{"annotations": [{"id": 5, "image_id": 1, "category_id": 1, "segmentation": {"size": [3, 3], "counts": [4, -1, 6]}}]}""", "negative length")]
    [InlineData("""{"annotations": [{"id": 5, "image_id": 1, "category_id": 1, "segmentation": {"counts": "9"}}]}""", "segmentation has no 'size'")]
    [InlineData("""{"annotations": [{"id": 5, "image_id": 1, "category_id": 1}, {"id": 5, "image_id": 1, "category_id": 1}]}""", "Annotation id 5 occurs twice")]
    [InlineData("""{"images": [{"id": 1, "width": 4, "height": 4""", "Invalid JSON")]
    [InlineData("""{"images": [] "categories": []}""", "Invalid JSON")]
    [InlineData("""{"images": [1]}""", "images[0] is not a JSON object")]
    public void Malformed_instances_are_rejected_with_a_clear_message(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CocoDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_survive_a_write_and_read_round_trip()
    {
        var random = new Random(9);
        var results = new List<CocoResult>();
        for (int i = 0; i < 200; i++)
        {
            int h = random.Next(1, 40), w = random.Next(1, 40);
            var mask = new byte[h * w];
            for (int p = 0; p < mask.Length; p++)
            {
                mask[p] = (byte)(random.NextDouble() < 0.3 ? 1 : 0);
            }

            var box = new CocoBox(random.NextDouble() * 100, random.NextDouble() * 100, random.NextDouble() * 50, 1.0 / 3);
            var segmentation = (i % 4) switch
            {
                0 => null,
                1 => CocoSegmentation.FromRle(CocoRle.Encode(mask, h, w), compressed: false),
                _ => CocoSegmentation.FromRle(CocoRle.Encode(mask, h, w)),
            };
            results.Add(new CocoResult(random.Next(1, 1000), random.Next(1, 91), random.NextDouble(), i % 7 == 3 ? null : box, segmentation));
        }

        var stream = new MemoryStream();
        Assert.Equal(200, CocoResultsFile.Write(stream, results));
        stream.Position = 0;
        var again = CocoResultsFile.Read(stream).ToList();

        Assert.Equal(results.Count, again.Count);
        for (int i = 0; i < results.Count; i++)
        {
            var a = results[i];
            var b = again[i];
            Assert.Equal((a.ImageId, a.CategoryId, a.Score, a.Bbox), (b.ImageId, b.CategoryId, b.Score, b.Bbox));
            Assert.Equal(a.Segmentation?.Kind, b.Segmentation?.Kind);
            Assert.Equal(a.Segmentation?.Rle, b.Segmentation?.Rle);
        }
    }

    [Fact]
    public void Results_are_written_in_the_format_loadRes_reads()
    {
        var mask = CocoRle.Encode([0, 1, 1, 0, 1, 0, 1, 1, 1], 3, 3);
        var stream = new MemoryStream();
        using (var writer = new CocoResultWriter(stream, leaveOpen: true))
        {
            writer.Write(CocoResult.FromMask(42, 18, 0.5, mask, new CocoBox(0, 0, 3, 3)));
            writer.Write(new CocoResult(42, 1, 0.25, new CocoBox(1.5, 2, 3, 4)));
            Assert.Equal(2, writer.Count);
        }

        Assert.Equal(
            """[{"image_id":42,"category_id":18,"bbox":[0,0,3,3],"score":0.5,"segmentation":{"size":[3,3],"counts":"251L"}},"""
            + """{"image_id":42,"category_id":1,"bbox":[1.5,2,3,4],"score":0.25}]""",
            Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Compressed_counts_with_json_special_characters_round_trip()
    {
        // Runs [12, 44, 74]: 12 -> '<' (48 + 12); 44 = 32 + 12 -> group 12 with the continuation bit = 44 -> '\'
        // (48 + 44), then '1'; 74 = 2 * 32 + 10 -> 'Z' (48 + 42), '2'. Both '<' and '\' must survive JSON.
        var mask = CocoRle.FromCounts([12, 44, 74], 10, 13);
        string counts = mask.ToCompressedString();
        Assert.Equal("<\\1Z2", counts);
        var stream = new MemoryStream();
        CocoResultsFile.Write(stream, [CocoResult.FromMask(1, 1, 1, mask)]);
        stream.Position = 0;
        Assert.Equal(mask, CocoResultsFile.Read(stream).Single().Segmentation!.Rle);
    }

    [Fact]
    public void Results_files_are_read_lazily_from_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"coco-results-{Guid.NewGuid():N}.json");
        try
        {
            // Enough results to exceed the reader's initial 64 KiB window several times.
            var results = Enumerable.Range(0, 5000).Select(i => new CocoResult(i, i % 80, i / 5000.0, new CocoBox(i, i * 0.5, 10, 20))).ToList();
            Assert.Equal(5000, CocoResultsFile.Write(path, results));
            Assert.True(new FileInfo(path).Length > 4 * 65536);

            int count = 0;
            foreach (var result in CocoResultsFile.Read(path))
            {
                Assert.Equal(results[count], result);
                count++;
            }

            Assert.Equal(5000, count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_single_value_larger_than_the_read_window_is_read_whole()
    {
        // An uncompressed RLE of 300x400 alternating pixels has 120000 runs of 1: about 240 KB of JSON in one value.
        var runs = Enumerable.Repeat(1, 300 * 400).ToArray();
        var mask = CocoRle.FromCounts(runs, 300, 400);
        var stream = new MemoryStream();
        CocoResultsFile.Write(stream, [new CocoResult(1, 1, 0.5, null, CocoSegmentation.FromRle(mask, compressed: false)), new CocoResult(2, 1, 0.5, new CocoBox(1, 2, 3, 4))]);
        Assert.True(stream.Length > 200_000);
        stream.Position = 0;

        var read = CocoResultsFile.Read(stream).ToList();
        Assert.Equal(2, read.Count);
        Assert.Equal(mask, read[0].Segmentation!.Rle);
        Assert.Equal(60000, read[0].Segmentation!.Rle!.Area());
        Assert.Equal(new CocoBox(1, 2, 3, 4), read[1].Bbox);
    }

    [Theory]
    [InlineData("{}", "must be a JSON list")]
    [InlineData("""[{"image_id": 1, "category_id": 1}]""", "results[0] has no 'score'")]
    [InlineData("""[{"image_id": 1, "category_id": 1, "score": "high"}]""", "must be a number")]
    [InlineData("""[{"image_id": 1, "category_id": 1, "score": 1, "segmentation": {"size": [2, 2], "counts": "5"}}]""", "invalid RLE segmentation")]
    [InlineData("""[{"image_id": 1, "category_id": 1, "score": 1}""", "Invalid JSON")]
    public void Malformed_results_are_rejected_with_a_clear_message(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CocoResultsFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))).ToList());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_scores_cannot_be_written()
    {
        using var writer = new CocoResultWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => writer.Write(new CocoResult(1, 1, double.NaN, new CocoBox(0, 0, 1, 1))));
    }

    [Fact]
    public void Evaluating_a_written_and_reread_results_file_gives_the_same_numbers()
    {
        var dataset = CocoDataset.Load(new MemoryStream(Encoding.UTF8.GetBytes(Instances)));
        var results = new List<CocoResult>
        {
            CocoResult.FromMask(1, 18, 0.9, CocoRle.FromPolygon([1, 1, 4, 1, 4, 3, 1, 3], 4, 6)),
            CocoResult.FromMask(2, 18, 0.8, CocoRle.FromCompressedString("251L", 3, 3)),
            CocoResult.FromMask(1, 1, 0.7, CocoRle.FromBox(new CocoBox(4, 0, 2, 2), 4, 6)),
        };
        var stream = new MemoryStream();
        CocoResultsFile.Write(stream, results);
        stream.Position = 0;

        var direct = CocoEvaluator.Evaluate(dataset, results, CocoIouType.Segm);
        var reread = CocoEvaluator.Evaluate(dataset, CocoResultsFile.Read(stream), CocoIouType.Segm);
        Assert.Equal(direct.Stats, reread.Stats);

        // Category 18 is found perfectly; category 1 has only a crowd region, so it has no countable object (-1),
        // and the detection on the crowd is ignored rather than counted as a false positive.
        Assert.Equal(1.0, direct.GetCategoryAp(18), 1e-12);
        Assert.Equal(-1, direct.GetCategoryAp(1));
    }
}
