namespace MaskRcnn;

/// <summary>Where OpenCV runs the network.</summary>
public enum InferenceDevice
{
    /// <summary>OpenCV's own CPU backend (always available).</summary>
    Cpu,
    /// <summary>OpenCL, 32-bit floats (needs an OpenCL build and driver; OpenCV favours Intel GPUs).</summary>
    OpenCl,
    /// <summary>OpenCL, 16-bit floats.</summary>
    OpenClFp16,
    /// <summary>CUDA, 32-bit floats (needs an OpenCV build with CUDA; the official OpenCvSharp packages have none).</summary>
    Cuda,
    /// <summary>CUDA, 16-bit floats.</summary>
    CudaFp16,
}
