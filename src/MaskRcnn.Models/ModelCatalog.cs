using System.Diagnostics.CodeAnalysis;

namespace MaskRcnn.Models;

/// <summary>
/// The Mask R-CNN models of the TensorFlow Object Detection API zoo (TF1, COCO, 2018-01-28) that OpenCV's DNN module
/// can run, with what is known about each.
/// </summary>
/// <remarks>
/// <para>Sources, as read for this catalogue:</para>
/// <list type="bullet">
/// <item>Archive URLs and the frozen graph's place inside them: the zoo's naming, as used by OpenCV's
/// <c>samples/dnn/models.yml</c> and opencv_extra's <c>testdata/dnn/download_models.py</c>.</item>
/// <item>Text graphs: OpenCV's own test <c>modules/dnn/test/test_tf_importer.cpp</c> (<c>Test_TensorFlow.Mask_RCNN</c>)
/// loads <c>dnn/mask_rcnn_inception_v2_coco_2018_01_28.pbtxt</c> from opencv_extra's test data, which confirms that text
/// graph. No source consulted shows a text graph in opencv_extra for the three other models; for them
/// <see cref="CatalogModel.TextGraphConfirmed"/> is false and you may need to make one with OpenCV's
/// <c>samples/dnn/tf_text_graph_mask_rcnn.py</c> and set <see cref="CatalogModel.LocalTextGraphPath"/>.</item>
/// <item>Mask sizes: <c>mask_height</c>/<c>mask_width</c> in the TensorFlow Object Detection API sample configs
/// (<c>research/object_detection/samples/configs/mask_rcnn_*_coco.config</c>): 15 for Inception v2, 33 for the others.
/// This is the TensorFlow training configuration, not OpenCV documentation.</item>
/// <item>Checksums: opencv_extra's <c>testdata/dnn/download_models.py</c> publishes SHA-1 sums for the Inception v2
/// archive and its frozen graph; they are used. No source gives a SHA-256 or a size for any archive, so
/// <see cref="CatalogModel.ArchiveSha256"/>, <see cref="CatalogModel.TextGraphSha256"/> and
/// <see cref="CatalogModel.ArchiveSize"/> are null everywhere: the checksum is unknown, the downloader prints the
/// SHA-256 it got and marks such downloads unverified.</item>
/// </list>
/// </remarks>
public static class ModelCatalog
{
    /// <summary>Where the TensorFlow Object Detection API zoo publishes its TF1 archives.</summary>
    public const string ArchiveBaseUrl = "http://download.tensorflow.org/models/object_detection/";

    /// <summary>Where OpenCV keeps the text graphs it tests with (opencv_extra, branch 4.x).</summary>
    public const string TextGraphBaseUrl = "https://raw.githubusercontent.com/opencv/opencv_extra/4.x/testdata/dnn/";

    private const string UnknownChecksums =
        "No SHA-256 or size is published for the archive: the checksum is unknown, so a download is reported as unverified and its SHA-256 is printed.";

    private const string UnconfirmedTextGraph =
        "No source confirms that opencv_extra ships a text graph for this model; if it is missing the download skips it with a warning. " +
        "Make one with OpenCV's samples/dnn/tf_text_graph_mask_rcnn.py (--input frozen_inference_graph.pb --config pipeline.config from the archive) " +
        "and set LocalTextGraphPath.";

    /// <summary>Mask R-CNN with an Inception v2 backbone: the smallest and fastest; the one OpenCV tests.</summary>
    public static CatalogModel InceptionV2 { get; } = CatalogModel.FromZooName("mask_rcnn_inception_v2_coco_2018_01_28", "inception_v2") with
    {
        // OpenCV's Test_TensorFlow.Mask_RCNN (modules/dnn/test/test_tf_importer.cpp) loads this text graph from opencv_extra.
        TextGraphConfirmed = true,
        MaskSize = 15,
        MaskSizeSource = "mask_height/mask_width in the TensorFlow Object Detection API sample config mask_rcnn_inception_v2_coco.config",
        // SHA-1 sums from opencv_extra testdata/dnn/download_models.py, entry 'mask_rcnn_inception_v2_coco_2018_01_28 (TensorFlow)':
        // the archive (sha) and the member mask_rcnn_inception_v2_coco_2018_01_28/frozen_inference_graph.pb (sub sha).
        ArchiveSha1 = "f8a920756744d0f7ee812b3ec2474979f74ab40c",
        FrozenGraphSha1 = "c8adff66a1e23e607f57cf1a7cfabad0faa371f9",
        Notes = "Text graph confirmed: OpenCV's own Mask R-CNN test loads it from opencv_extra. " +
                "The archive and frozen graph are checked against the SHA-1 sums opencv_extra's download_models.py publishes. " +
                "No SHA-256 or size is published: the archive's SHA-256 is printed for you to pin.",
    };

    /// <summary>Mask R-CNN with a ResNet-50 backbone and atrous convolution.</summary>
    public static CatalogModel ResNet50Atrous { get; } = CatalogModel.FromZooName("mask_rcnn_resnet50_atrous_coco_2018_01_28", "resnet50_atrous") with
    {
        MaskSize = 33,
        MaskSizeSource = "mask_height/mask_width in the TensorFlow Object Detection API sample config mask_rcnn_resnet50_atrous_coco.config",
        Notes = UnconfirmedTextGraph + " " + UnknownChecksums,
    };

    /// <summary>Mask R-CNN with a ResNet-101 backbone and atrous convolution.</summary>
    public static CatalogModel ResNet101Atrous { get; } = CatalogModel.FromZooName("mask_rcnn_resnet101_atrous_coco_2018_01_28", "resnet101_atrous") with
    {
        MaskSize = 33,
        MaskSizeSource = "mask_height/mask_width in the TensorFlow Object Detection API sample config mask_rcnn_resnet101_atrous_coco.config",
        Notes = UnconfirmedTextGraph + " " + UnknownChecksums,
    };

    /// <summary>Mask R-CNN with an Inception-ResNet v2 backbone and atrous convolution: the most accurate and slowest.</summary>
    public static CatalogModel InceptionResNetV2Atrous { get; } = CatalogModel.FromZooName("mask_rcnn_inception_resnet_v2_atrous_coco_2018_01_28", "inception_resnet_v2_atrous") with
    {
        MaskSize = 33,
        MaskSizeSource = "mask_height/mask_width in the TensorFlow Object Detection API sample config mask_rcnn_inception_resnet_v2_atrous_coco.config",
        Notes = UnconfirmedTextGraph + " " + UnknownChecksums,
    };

    /// <summary>Every model of the catalogue, fastest first.</summary>
    public static IReadOnlyList<CatalogModel> All { get; } = [InceptionV2, ResNet50Atrous, ResNet101Atrous, InceptionResNetV2Atrous];

    /// <summary>Finds a model by its short name (<c>inception_v2</c>) or zoo name
    /// (<c>mask_rcnn_inception_v2_coco_2018_01_28</c>), ignoring case and surrounding spaces.</summary>
    /// <exception cref="ArgumentException">No model has that name; the message lists the known ones.</exception>
    public static CatalogModel Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryFind(name, out var model)) return model;
        var known = string.Join(", ", All.Select(m => $"{m.Name} ({m.ZooName})"));
        throw new ArgumentException($"Unknown model '{name}'. Known models: {known}.", nameof(name));
    }

    /// <summary>Finds a model by its short or zoo name, ignoring case and surrounding spaces.</summary>
    public static bool TryFind(string? name, [NotNullWhen(true)] out CatalogModel? model)
    {
        var key = name?.Trim();
        model = string.IsNullOrEmpty(key)
            ? null
            : All.FirstOrDefault(m => string.Equals(m.Name, key, StringComparison.OrdinalIgnoreCase)
                                      || string.Equals(m.ZooName, key, StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }
}
