namespace MaskRcnn.Models;

/// <summary>Where the files of one model live in a <see cref="ModelCache"/>.</summary>
/// <param name="Directory">The model's folder: <c>&lt;cache&gt;/&lt;zoo name&gt;</c>.</param>
/// <param name="FrozenGraph">The frozen graph (<c>frozen_inference_graph.pb</c>).</param>
/// <param name="TextGraph">OpenCV's text graph (<c>&lt;zoo name&gt;.pbtxt</c>).</param>
/// <param name="Labels">The class names, one per line (<c>labels.txt</c>).</param>
/// <param name="Archive">The downloaded archive (<c>&lt;zoo name&gt;.tar.gz</c>); kept only on request. A complete
/// archive found here (for example one downloaded by hand) is used instead of downloading it.</param>
public sealed record ModelPaths(string Directory, string FrozenGraph, string TextGraph, string Labels, string Archive)
{
    /// <summary>The archive while it downloads; an interrupted download resumes from it.</summary>
    public string PartialArchive => Archive + ".partial";
}
