using System.Diagnostics;
using MaskRcnn.Detection;
using MaskRcnn.Loading;
using MaskRcnn.Postprocessing;
using MaskRcnn.Preprocessing;
using MaskRcnn.Runtime;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn;

/// <summary>
/// Runs a TensorFlow Object Detection API Mask R-CNN graph through OpenCV's DNN module and returns typed results.
/// </summary>
/// <remarks>
/// <para>Load once, detect many times: <c>using var detector = MaskRcnnDetector.Load("frozen_inference_graph.pb",
/// "mask_rcnn.pbtxt", LabelMap.Coco90); var result = detector.Detect("image.jpg");</c>. Each call may pass its own
/// <see cref="DetectOptions"/> (thresholds, classes, input size): one loaded detector serves a threshold sweep or
/// images of any size.</para>
/// <para>Thread safety: an OpenCV <c>Net</c> runs one forward pass at a time, so calls to <c>Detect</c> on one
/// detector are serialised (safe, but not parallel). For parallel throughput use <see cref="MaskRcnnDetectorPool"/>,
/// which runs several nets.</para>
/// <para>Disposal: the detector owns its native net and every Mat it creates; <see cref="Dispose"/> frees them at
/// once (waiting for a detection in progress). Results hold managed memory only and need no disposal.</para>
/// </remarks>
public sealed class MaskRcnnDetector : IMaskRcnnDetector
{
    private static readonly string[] OutputNames = [ModelValidator.DetectionsName, ModelValidator.MasksName];
    private readonly object _gate = new();
    private readonly Net _net;
    private readonly ILogger? _logger;
    private volatile int _maskSize;
    private bool _disposed;

    private MaskRcnnDetector(Net net, ValidatedModel model, string modelName, LabelMap? labels, MaskRcnnOptions options, DeviceChoice device, ILogger? logger)
    {
        _net = net;
        _logger = logger;
        ModelName = modelName;
        NumClasses = model.NumClasses;
        Labels = labels;
        Options = options;
        RequestedDevice = options.Device;
        Device = device.Device;
        Backend = device.Backend;
        Target = device.Target;
        FallbackReason = device.FallbackReason;
    }

    /// <summary>
    /// Loads a model: a frozen <c>.pb</c> and, unless the .pb is self-contained, the OpenCV text graph <c>.pbtxt</c>
    /// written by <c>tf_text_graph_mask_rcnn.py</c>. Each is a path, bytes or a stream (see <see cref="ModelInput"/>).
    /// </summary>
    /// <param name="model">The frozen graph.</param>
    /// <param name="textGraph">The text graph; null for a self-contained graph.</param>
    /// <param name="labels">Names for the class ids; null names them <c>class N</c>.</param>
    /// <param name="options">Device, threads, colour order, limits and the default <see cref="DetectOptions"/>.</param>
    /// <param name="logger">Receives the load summary, a device fallback and per-image batch failures.</param>
    /// <exception cref="ModelLoadException">A file is missing, unreadable, malformed, or not a Mask R-CNN graph; the message names the file and the fix.</exception>
    /// <exception cref="LabelMapException">The labels do not match the model's classes.</exception>
    /// <exception cref="BackendUnavailableException">The requested device is unavailable and the options say to throw.</exception>
    /// <exception cref="NativeRuntimeException">OpenCV's native library cannot be loaded.</exception>
    public static MaskRcnnDetector Load(ModelInput model, ModelInput? textGraph = null, LabelMap? labels = null, MaskRcnnOptions? options = null, ILogger? logger = null)
    {
        var (m, t) = Read(model, textGraph);
        return Create(m, t, labels, options, logger);
    }

    /// <summary>Reads both model files once (a pool builds several nets from them).</summary>
    internal static (ModelSource Model, ModelSource? TextGraph) Read(ModelInput model, ModelInput? textGraph)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (model.Read("model (.pb)"), textGraph?.Read("text graph (.pbtxt)"));
    }

    internal static MaskRcnnDetector Create(ModelSource model, ModelSource? textGraph, LabelMap? labels, MaskRcnnOptions? options, ILogger? logger)
    {
        options = (options ?? MaskRcnnOptions.Default).Validate();
        var info = OpenCvRuntime.EnsureLoaded();
        if (!info.HasDnn)
            throw new NativeRuntimeException($"The loaded OpenCV ({info.Version}) has no dnn module. Use OpenCvSharp4.official.runtime.linux-x64 or OpenCvSharp4.runtime.win, not a .slim runtime.");
        var validated = ModelValidator.Validate(model, textGraph);
        if (labels is not null && labels.ClassCount != validated.NumClasses && !options.AllowLabelCountMismatch)
            throw new LabelMapException(
                $"The labels name {labels.ClassCount} classes but the model ({model.Name}) has {validated.NumClasses}. " +
                (validated.NumClasses == 90 ? "COCO zoo models need the 90-id COCO map (LabelMap.Coco90). " : string.Empty) +
                "Pass the labels made for this model, or set MaskRcnnOptions.AllowLabelCountMismatch.");
        var device = DeviceSelector.Choose(options.Device, options.Fallback, info);

        Net? net = null;
        try
        {
            try
            {
                net = CvDnn.ReadNetFromTensorflow(model.Bytes, textGraph?.Bytes);
            }
            catch (OpenCVException e)
            {
                throw new ModelLoadException(textGraph?.Name ?? model.Name, $"OpenCV could not build a net from this graph: {e.Message}", e);
            }
            if (net is null || net.Empty())
                throw new ModelLoadException(textGraph?.Name ?? model.Name,
                    "OpenCV built an empty net from this graph. A weights-only .pb needs its text graph (.pbtxt).");
            foreach (var output in OutputNames)
                if (net.GetLayerId(output) < 0)
                    throw new ModelLoadException(textGraph?.Name ?? model.Name, $"the net OpenCV built has no layer '{output}'.");
            net.SetPreferableBackend(device.Backend);
            net.SetPreferableTarget(device.Target);
            if (options.Threads is { } threads) Cv2.SetNumThreads(threads);
            var detector = new MaskRcnnDetector(net, validated, model.Name, labels, options, device, logger);
            if (logger is not null)
            {
                if (device.FallbackReason is { } reason) DetectorLog.DeviceFallback(logger, reason);
                DetectorLog.Loaded(logger, model.Name, validated.NumClasses, validated.LayerCount, device.Backend, device.Target);
            }
            net = null;
            return detector;
        }
        finally
        {
            net?.Dispose();
        }
    }

    /// <inheritdoc />
    public string ModelName { get; }

    /// <inheritdoc />
    public int NumClasses { get; }

    /// <summary>Side of the model's masks (e.g. 15 or 33); known after the first detection or <see cref="Warmup"/>.</summary>
    public int? MaskSize => _maskSize == 0 ? null : _maskSize;

    /// <summary>Name of the network input.</summary>
    public static string InputName => ModelValidator.InputName;

    /// <inheritdoc />
    public LabelMap? Labels { get; }

    /// <inheritdoc />
    public MaskRcnnOptions Options { get; }

    /// <summary>The device the options asked for.</summary>
    public InferenceDevice RequestedDevice { get; }

    /// <summary>The device actually in use (differs from <see cref="RequestedDevice"/> after a fallback).</summary>
    public InferenceDevice Device { get; }

    /// <summary>OpenCV backend in use.</summary>
    public Backend Backend { get; }

    /// <summary>OpenCV target in use.</summary>
    public Target Target { get; }

    /// <summary>Why the detector runs on the CPU instead of the requested device, or null.</summary>
    public string? FallbackReason { get; }

    /// <summary>Runs one detection on a blank image so the first real one is not slowed by OpenCV's lazy set-up.</summary>
    public void Warmup()
    {
        var size = Options.DefaultDetectOptions.InputMode == InputSizeMode.Fixed ? Options.DefaultDetectOptions.InputSize : new Size(800, 800);
        using var blank = new Mat(size.Height, size.Width, MatType.CV_8UC3, Scalar.All(0));
        Detect(blank);
    }

    /// <inheritdoc />
    public DetectionResult Detect(ImageInput image, DetectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var resolved = options?.Validate() ?? Options.DefaultDetectOptions;
        return image.Use(Options.MaxImagePixels, mat => DetectDecoded(mat, image.Name, resolved));
    }

    /// <inheritdoc />
    /// <remarks>Images are detected one after another; an image that fails is reported in its outcome (and logged) and
    /// the rest go on. Cancelling stops before the next image and throws <see cref="OperationCanceledException"/>.</remarks>
    public IReadOnlyList<DetectionOutcome> DetectBatch(IReadOnlyList<ImageInput> images, DetectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        options = options?.Validate() ?? Options.DefaultDetectOptions;
        var outcomes = new DetectionOutcome[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes[i] = DetectionOutcome.Of(i, images[i], this, () => Detect(images[i].At(i), options, cancellationToken), _logger);
        }
        return outcomes;
    }

    /// <summary>Detects in a decoded image; errors about the image name it as <paramref name="name"/>.</summary>
    internal DetectionResult DetectDecoded(Mat image, string name, DetectOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var clock = Stopwatch.StartNew();
        Mat bgr;
        bool owned;
        try
        {
            bgr = ImagePreprocessor.ToBgr8(image, Options.MaxImagePixels, out owned);
        }
        catch (InvalidImageException e) when (e.Source is null)
        {
            throw new InvalidImageException(name, e.Message, e.InnerException);
        }
        Mat? blob = null;
        try
        {
            var (width, height) = (bgr.Width, bgr.Height);
            var inputSize = options.InputSizeFor(width, height);
            blob = ImagePreprocessor.Blob(bgr, inputSize, Options.SwapRB);
            var preprocess = clock.Elapsed;
            var (detections, masks) = Forward(blob, width, height, inputSize);
            var forward = clock.Elapsed - preprocess;
            try
            {
                var instances = Decode(detections, masks, width, height, options);
                var postprocess = clock.Elapsed - preprocess - forward;
                return new DetectionResult(width, height, inputSize.Width, inputSize.Height, instances, new DetectionTimings(preprocess, forward, postprocess));
            }
            finally
            {
                detections.Dispose();
                masks.Dispose();
            }
        }
        finally
        {
            blob?.Dispose();
            if (owned) bgr.Dispose();
        }
    }

    /// <summary>True once <see cref="Dispose"/> has begun: a batch then stops instead of failing image after image.</summary>
    internal bool IsDisposed => _disposed;

    private (Mat Detections, Mat Masks) Forward(Mat blob, int width, int height, Size inputSize)
    {
        var outputs = new[] { new Mat(), new Mat() };
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                try
                {
                    _net.SetInput(blob, InputName);
                    _net.Forward(outputs, OutputNames);
                }
                catch (OpenCVException e)
                {
                    throw new MaskRcnnException(
                        $"OpenCV failed to run {ModelName} on a {width}x{height} image (network input {inputSize.Width}x{inputSize.Height}): {e.Message}", e);
                }
            }
            var result = (outputs[0], outputs[1]);
            outputs = [];
            return result;
        }
        finally
        {
            foreach (var m in outputs) m.Dispose();
        }
    }

    private unsafe IReadOnlyList<Instance> Decode(Mat detections, Mat masks, int width, int height, DetectOptions options)
    {
        var detShape = Shape(detections);
        var maskShape = Shape(masks);
        if (detShape.Length != 4 || detShape[3] != MaskRcnnPostprocessor.RowLength || detections.Type() != MatType.CV_32FC1)
            throw new ModelOutputException($"'{OutputNames[0]}' has shape [{string.Join(",", detShape)}] and type {detections.Type()}; expected [1,1,N,7] float.");
        if (maskShape.Length != 4 || maskShape[2] != maskShape[3] || masks.Type() != MatType.CV_32FC1)
            throw new ModelOutputException($"'{OutputNames[1]}' has shape [{string.Join(",", maskShape)}] and type {masks.Type()}; expected [N,classes,S,S] float.");
        if (maskShape[1] != NumClasses)
            throw new ModelOutputException($"'{OutputNames[1]}' has {maskShape[1]} class channels but the graph declares {NumClasses} classes.");
        _maskSize = maskShape[2];
        if (!detections.IsContinuous() || !masks.IsContinuous())
            throw new ModelOutputException("OpenCV returned non-continuous output blobs.");
        var det = new ReadOnlySpan<float>((void*)detections.Data, checked((int)detections.Total()));
        var msk = new ReadOnlySpan<float>((void*)masks.Data, checked((int)masks.Total()));
        var result = MaskRcnnPostprocessor.Decode(det, msk, maskShape[1], maskShape[2], width, height, options, Labels);
        GC.KeepAlive(detections);
        GC.KeepAlive(masks);
        return result;
    }

    private static int[] Shape(Mat m)
    {
        var dims = m.Dims;
        var shape = new int[dims];
        for (var i = 0; i < dims; i++) shape[i] = m.Size(i);
        return shape;
    }

    /// <summary>Frees the native net, waiting for a detection in progress to finish. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _net.Dispose();
        }
    }
}
