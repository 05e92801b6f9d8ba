namespace MaskRcnn.Synthetic;

/// <summary>The kind of solid shape a scene object is drawn as.</summary>
public enum SceneShape
{
    /// <summary>An axis-aligned filled rectangle covering its box exactly.</summary>
    Rectangle,

    /// <summary>A filled ellipse inscribed in its box.</summary>
    Ellipse,

    /// <summary>A filled polygon given by its vertices.</summary>
    Polygon,
}
