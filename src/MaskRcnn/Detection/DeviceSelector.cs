using MaskRcnn.Runtime;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Detection;

/// <summary>The OpenCV backend and target a detector runs on, and why it differs from the request when it does.</summary>
internal sealed record DeviceChoice(InferenceDevice Device, Backend Backend, Target Target, string? FallbackReason);

/// <summary>Maps a requested device to what the loaded OpenCV build and this machine can run.</summary>
internal static class DeviceSelector
{
    public static DeviceChoice Choose(InferenceDevice requested, DeviceFallback fallback, OpenCvInfo info, Func<bool>? openClDriverPresent = null)
    {
        var reason = UnavailableReason(requested, info, openClDriverPresent ?? OpenClDriverPresent);
        if (reason is null) return new DeviceChoice(requested, BackendOf(requested), TargetOf(requested), null);
        if (fallback == DeviceFallback.Throw)
            throw new BackendUnavailableException($"{requested} was requested but {reason} Pick InferenceDevice.Cpu, or set Fallback = DeviceFallback.UseCpu to run on the CPU instead.");
        return new DeviceChoice(InferenceDevice.Cpu, Backend.OPENCV, Target.CPU, $"{requested} is unavailable: {reason} Running on the CPU.");
    }

    internal static string? UnavailableReason(InferenceDevice requested, OpenCvInfo info, Func<bool> openClDriverPresent) => requested switch
    {
        InferenceDevice.Cpu => null,
        InferenceDevice.Cuda or InferenceDevice.CudaFp16 when !info.HasCuda =>
            $"this OpenCV build ({info.Version}) has no CUDA backend (the official OpenCvSharp runtime packages are built without it). " +
            "Build OpenCvSharpExtern against OpenCV with WITH_CUDA, WITH_CUDNN and OPENCV_DNN_CUDA on to use CUDA.",
        InferenceDevice.OpenCl or InferenceDevice.OpenClFp16 when !info.HasOpenCl =>
            $"this OpenCV build ({info.Version}) was compiled without OpenCL.",
        InferenceDevice.OpenCl or InferenceDevice.OpenClFp16 when !openClDriverPresent() =>
            "no OpenCL driver is installed on this machine (no OpenCL ICD is registered). Install your GPU vendor's OpenCL runtime.",
        _ => null,
    };

    private static Backend BackendOf(InferenceDevice d) => d is InferenceDevice.Cuda or InferenceDevice.CudaFp16 ? Backend.CUDA : Backend.OPENCV;

    private static Target TargetOf(InferenceDevice d) => d switch
    {
        InferenceDevice.OpenCl => Target.OPENCL,
        InferenceDevice.OpenClFp16 => Target.OPENCL_FP16,
        InferenceDevice.Cuda => Target.CUDA,
        InferenceDevice.CudaFp16 => Target.CUDA_FP16,
        _ => Target.CPU,
    };

    /// <summary>An OpenCL ICD loader finds drivers through these registrations; without one no device exists.</summary>
    private static bool OpenClDriverPresent()
    {
        if (OperatingSystem.IsWindows())
            return File.Exists(Path.Combine(Environment.SystemDirectory, "OpenCL.dll"));
        if (OperatingSystem.IsMacOS()) return true;
        var vendors = Environment.GetEnvironmentVariable("OCL_ICD_VENDORS") ?? "/etc/OpenCL/vendors";
        return Directory.Exists(vendors) && Directory.EnumerateFiles(vendors, "*.icd").Any();
    }
}
