namespace MaskRcnn.Models;

/// <summary>The files to load a model from, as <see cref="ModelCache.Resolve(string)"/> finds them.</summary>
/// <param name="FrozenGraph">The frozen graph (<c>.pb</c>).</param>
/// <param name="TextGraph">OpenCV's text graph, when one is known.</param>
/// <param name="Labels">The labels file, when one is known.</param>
/// <param name="CatalogModel">The catalogue entry the files belong to, when they came from the cache.</param>
public sealed record ModelFiles(string FrozenGraph, string? TextGraph, string? Labels, CatalogModel? CatalogModel);
