namespace MaskRcnn.Models;

/// <summary>A catalogue model is named but its files are not in the cache; download it first.</summary>
public sealed class ModelNotCachedException : MaskRcnnException
{
    /// <summary>Creates the exception for a model and where it was looked for.</summary>
    public ModelNotCachedException(CatalogModel model, ModelPaths paths)
        : base($"The catalogue model '{model?.Name}' is not downloaded (looked in {paths?.Directory}).")
    {
        Model = model;
        Paths = paths;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ModelNotCachedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ModelNotCachedException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public ModelNotCachedException() { }

    /// <summary>The catalogue model.</summary>
    public CatalogModel? Model { get; }

    /// <summary>Where its files would be.</summary>
    public ModelPaths? Paths { get; }
}
