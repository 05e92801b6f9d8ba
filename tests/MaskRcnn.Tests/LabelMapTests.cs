namespace MaskRcnn.Tests;

public sealed class LabelMapTests
{
    [Fact]
    public void Plain_text_has_one_label_per_line_and_ignores_trailing_blank_lines()
    {
        var map = LabelMap.Parse("dim\r\nmedium\nbright\n\n");
        Assert.Equal(3, map.ClassCount);
        Assert.Equal("medium", map[1]);
        Assert.Null(map[3]);
        Assert.Equal("class 7", map.NameOf(7));
    }

    [Fact]
    public void Tf_label_map_uses_one_based_ids_with_gaps_and_prefers_display_names()
    {
        const string text = """
            # COCO-style label map
            item {
              name: "/m/01g317"
              id: 1
              display_name: "person"
            }
            item { id: 3 name: "car" }
            item {
              id: 90
              display_name: 'tooth brush'
            }
            """;
        var map = LabelMap.Parse(text);
        Assert.Equal(90, map.ClassCount);
        Assert.Equal("person", map[0]);
        Assert.Null(map[1]);
        Assert.Equal("car", map[2]);
        Assert.Equal("tooth brush", map[89]);
    }

    [Theory]
    [InlineData("item { id: 0 name: 'background' }", "ids start at 1")]
    [InlineData("item { name: 'x' }", "no id")]
    [InlineData("item { id: 2 name: 'a' }\nitem { id: 2 name: 'b' }", "appears twice")]
    [InlineData("item { id: 2 name: 'a' ", "line")]
    [InlineData("", "empty")]
    public void Malformed_label_files_give_a_message_that_says_what_is_wrong(string text, string expected)
    {
        var e = Assert.Throws<LabelMapException>(() => LabelMap.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Coco90_matches_the_zoo_label_map()
    {
        var coco = LabelMap.Coco90;
        Assert.Equal(90, coco.ClassCount);
        Assert.Equal("person", coco[0]);
        Assert.Equal("car", coco[2]);
        Assert.Equal("N/A", coco[11]);
        Assert.Equal("stop sign", coco[12]);
        Assert.Equal("toothbrush", coco[89]);
        Assert.Equal(10, Enumerable.Range(0, 90).Count(i => coco[i] == "N/A"));
    }

    [Fact]
    public void A_missing_labels_file_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.txt");
        var e = Assert.Throws<LabelMapException>(() => LabelMap.Load(path));
        Assert.Contains(path, e.Message);
    }
}
