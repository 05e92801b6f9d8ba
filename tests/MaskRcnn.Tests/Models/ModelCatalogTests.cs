using MaskRcnn.Models;

namespace MaskRcnn.Tests.Models;

public sealed class ModelCatalogTests
{
    [Fact]
    public void Catalog_lists_the_four_zoo_mask_rcnn_models_with_their_archive_and_graph_paths()
    {
        Assert.Equal(["inception_v2", "resnet50_atrous", "resnet101_atrous", "inception_resnet_v2_atrous"], ModelCatalog.All.Select(m => m.Name));
        foreach (var model in ModelCatalog.All)
        {
            Assert.StartsWith("mask_rcnn_", model.ZooName, StringComparison.Ordinal);
            Assert.EndsWith("_coco_2018_01_28", model.ZooName, StringComparison.Ordinal);
            Assert.Equal($"http://download.tensorflow.org/models/object_detection/{model.ZooName}.tar.gz", model.ArchiveUrl.AbsoluteUri);
            Assert.Equal($"{model.ZooName}/frozen_inference_graph.pb", model.FrozenGraphEntry);
            Assert.Equal($"https://raw.githubusercontent.com/opencv/opencv_extra/4.x/testdata/dnn/{model.ZooName}.pbtxt", model.TextGraphUrl!.AbsoluteUri);
            Assert.Same(LabelMap.Coco90, model.Labels);
            Assert.Null(model.LocalTextGraphPath);
            // Nothing published gives a SHA-256 or a size: they stay unknown rather than invented.
            Assert.Null(model.ArchiveSha256);
            Assert.Null(model.TextGraphSha256);
            Assert.Null(model.ArchiveSize);
            Assert.NotEmpty(model.Notes);
            Assert.NotNull(model.MaskSizeSource);
        }
        Assert.Equal("mask_rcnn_inception_resnet_v2_atrous_coco_2018_01_28", ModelCatalog.InceptionResNetV2Atrous.ZooName);
    }

    [Fact]
    public void Only_the_inception_v2_text_graph_is_confirmed_and_the_others_say_how_to_make_one()
    {
        Assert.True(ModelCatalog.InceptionV2.TextGraphConfirmed);
        foreach (var model in ModelCatalog.All.Skip(1))
        {
            Assert.False(model.TextGraphConfirmed);
            Assert.Contains("tf_text_graph_mask_rcnn.py", model.Notes, StringComparison.Ordinal);
            Assert.Contains("LocalTextGraphPath", model.Notes, StringComparison.Ordinal);
            Assert.Contains("unverified", model.Notes, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Mask_sizes_and_published_sha1_sums_are_recorded()
    {
        Assert.Equal([15, 33, 33, 33], ModelCatalog.All.Select(m => m.MaskSize ?? 0));
        Assert.Equal("f8a920756744d0f7ee812b3ec2474979f74ab40c", ModelCatalog.InceptionV2.ArchiveSha1);
        Assert.Equal("c8adff66a1e23e607f57cf1a7cfabad0faa371f9", ModelCatalog.InceptionV2.FrozenGraphSha1);
        Assert.All(ModelCatalog.All.Skip(1), m => Assert.Null(m.ArchiveSha1));
    }

    [Theory]
    [InlineData("inception_v2", "inception_v2")]
    [InlineData("INCEPTION_V2", "inception_v2")]
    [InlineData("  ResNet50_Atrous ", "resnet50_atrous")]
    [InlineData("mask_rcnn_resnet101_atrous_coco_2018_01_28", "resnet101_atrous")]
    [InlineData("Mask_RCNN_Inception_ResNet_V2_Atrous_COCO_2018_01_28", "inception_resnet_v2_atrous")]
    public void Find_accepts_the_short_or_zoo_name_in_any_case(string name, string expected)
    {
        Assert.Equal(expected, ModelCatalog.Find(name).Name);
        Assert.True(ModelCatalog.TryFind(name, out var found));
        Assert.Equal(expected, found.Name);
    }

    [Theory]
    [InlineData("inception_v3")]
    [InlineData("")]
    [InlineData("mask_rcnn_inception_v2_coco")]
    public void Find_rejects_unknown_names_and_lists_the_known_ones(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelCatalog.Find(name));
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
        foreach (var model in ModelCatalog.All)
        {
            Assert.Contains(model.Name, e.Message, StringComparison.Ordinal);
            Assert.Contains(model.ZooName, e.Message, StringComparison.Ordinal);
        }
        Assert.False(ModelCatalog.TryFind(name, out _));
    }

    [Fact]
    public void FromZooName_follows_the_zoo_conventions_and_knows_no_checksums()
    {
        var model = CatalogModel.FromZooName("mask_rcnn_example_coco_2018_01_28");
        Assert.Equal("mask_rcnn_example_coco_2018_01_28", model.Name);
        Assert.Equal("mask_rcnn_example_coco_2018_01_28/frozen_inference_graph.pb", model.FrozenGraphEntry);
        Assert.False(model.TextGraphConfirmed);
        Assert.Null(model.ArchiveSha256);
        Assert.Null(model.MaskSize);
        Assert.Equal("x (mask_rcnn_example_coco_2018_01_28)", (model with { Name = "x" }).ToString());
    }
}
