namespace MaskRcnn.Coco;

/// <summary>An entry of a COCO file's <c>categories</c> list.</summary>
/// <param name="Id">The category id (<c>id</c>).</param>
/// <param name="Name">The category name (<c>name</c>); empty when the file has none.</param>
/// <param name="Supercategory">The super-category (<c>supercategory</c>), or <see langword="null"/> when absent.</param>
public sealed record CocoCategory(long Id, string Name, string? Supercategory = null);
