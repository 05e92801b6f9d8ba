namespace MaskRcnn.Graph;

/// <summary>TensorFlow's <c>DataType</c> enum (the values used in graph files).</summary>
#pragma warning disable CA1707, CA1720 // Names mirror TensorFlow's DT_* constants so they read the same in text graphs.
internal enum TensorDataType
{
    /// <summary>Not set.</summary>
    DT_INVALID = 0,
    /// <summary>32-bit float.</summary>
    DT_FLOAT = 1,
    /// <summary>64-bit float.</summary>
    DT_DOUBLE = 2,
    /// <summary>32-bit signed integer.</summary>
    DT_INT32 = 3,
    /// <summary>8-bit unsigned integer.</summary>
    DT_UINT8 = 4,
    /// <summary>16-bit signed integer.</summary>
    DT_INT16 = 5,
    /// <summary>8-bit signed integer.</summary>
    DT_INT8 = 6,
    /// <summary>Byte string.</summary>
    DT_STRING = 7,
    /// <summary>64-bit signed integer.</summary>
    DT_INT64 = 9,
    /// <summary>Boolean.</summary>
    DT_BOOL = 10,
    /// <summary>16-bit float.</summary>
    DT_HALF = 19,
    /// <summary>Resource handle (variables); not loadable by OpenCV.</summary>
    DT_RESOURCE = 20,
}
#pragma warning restore CA1707, CA1720
