using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>The bundled demo model (<c>models/demo</c>) and sample image (<c>samples/images/shapes.png</c>), defined once
/// so regenerating them reproduces the committed files byte for byte.</summary>
public static class DemoAssets
{
    /// <summary>The demo model's options: three classes, 15x15 masks (as mask_rcnn_inception_v2).</summary>
    public static SyntheticModelOptions ModelOptions { get; } = new();

    /// <summary>Builds the demo model.</summary>
    public static SyntheticModel BuildModel() => SyntheticModelBuilder.Build(ModelOptions);

    /// <summary>The sample scene: 800x600, five shapes aligned to the model's grid (16x12 image pixels at an 800x800 input).</summary>
    public static Scene SampleScene() =>
        new SceneBuilder(800, 600, ModelOptions)
            .WithBackground(SceneBackground.Dark, seed: 7)
            .AddRectangle(new Rect(64, 48, 192, 144), band: 0)
            .AddEllipse(new Rect(352, 72, 224, 168), band: 2)
            .AddRectangle(new Rect(624, 96, 112, 312), band: 1)
            .AddEllipse(new Rect(96, 312, 192, 216), band: 0)
            .AddPolygon([new Point(336, 564), new Point(592, 564), new Point(464, 300)], band: 1)
            .Build();
}
