namespace MaskRcnn.Coco;

/// <summary>An entry of a COCO file's <c>images</c> list.</summary>
/// <param name="Id">The image id (<c>id</c>).</param>
/// <param name="Width">Width in pixels (<c>width</c>).</param>
/// <param name="Height">Height in pixels (<c>height</c>).</param>
/// <param name="FileName">The file name (<c>file_name</c>); empty when the file has none.</param>
public sealed record CocoImage(long Id, int Width, int Height, string FileName);
