using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MaskRcnn;

/// <summary>
/// Several <see cref="MaskRcnnDetector"/>s over the same model, for detecting in parallel: each call decodes its image,
/// then borrows a free detector, so up to <see cref="Size"/> forward passes run at once. It takes every input and
/// option a detector takes. Thread-safe.
/// </summary>
public sealed class MaskRcnnDetectorPool : IMaskRcnnDetector
{
    private readonly MaskRcnnDetector[] _detectors;
    private readonly BlockingCollection<MaskRcnnDetector> _free;
    private int _disposed;

    private MaskRcnnDetectorPool(MaskRcnnDetector[] detectors)
    {
        _detectors = detectors;
        _free = new BlockingCollection<MaskRcnnDetector>(new ConcurrentQueue<MaskRcnnDetector>(detectors));
    }

    /// <summary>Loads <paramref name="size"/> detectors of one model, reading the model files once (see
    /// <see cref="MaskRcnnDetector.Load(ModelInput, ModelInput?, LabelMap?, MaskRcnnOptions?, ILogger?)"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not 1..64.</exception>
    public static MaskRcnnDetectorPool Load(int size, ModelInput model, ModelInput? textGraph = null, LabelMap? labels = null, MaskRcnnOptions? options = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 64);
        var (m, t) = MaskRcnnDetector.Read(model, textGraph);
        var detectors = new List<MaskRcnnDetector>(size);
        try
        {
            for (var i = 0; i < size; i++) detectors.Add(MaskRcnnDetector.Create(m, t, labels, options, logger));
            return new MaskRcnnDetectorPool([.. detectors]);
        }
        catch
        {
            foreach (var d in detectors) d.Dispose();
            throw;
        }
    }

    /// <summary>Number of detectors (parallel forward passes).</summary>
    public int Size => _detectors.Length;

    /// <summary>The first detector, for its model facts (device, backend, mask size, ...).</summary>
    public MaskRcnnDetector Template => _detectors[0];

    /// <inheritdoc />
    public string ModelName => Template.ModelName;

    /// <inheritdoc />
    public int NumClasses => Template.NumClasses;

    /// <inheritdoc />
    public LabelMap? Labels => Template.Labels;

    /// <inheritdoc />
    public MaskRcnnOptions Options => Template.Options;

    /// <inheritdoc />
    /// <remarks>The image is decoded before a detector is borrowed, so decoding never holds a net.</remarks>
    public DetectionResult Detect(ImageInput image, DetectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var resolved = options?.Validate() ?? Options.DefaultDetectOptions;
        return image.Use(Options.MaxImagePixels, mat => WithDetector(d => d.DetectDecoded(mat, image.Name, resolved), cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks><see cref="Size"/> images are detected at a time.</remarks>
    public IReadOnlyList<DetectionOutcome> DetectBatch(IReadOnlyList<ImageInput> images, DetectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        options = options?.Validate() ?? Options.DefaultDetectOptions;
        var outcomes = new DetectionOutcome[images.Count];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = Size, CancellationToken = cancellationToken }, i =>
        {
            outcomes[i] = DetectionOutcome.Of(i, images[i], Template, () => Detect(images[i].At(i), options, cancellationToken), null);
        });
        return outcomes;
    }

    private T WithDetector<T>(Func<MaskRcnnDetector, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        MaskRcnnDetector detector;
        try
        {
            detector = _free.Take(cancellationToken);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(MaskRcnnDetectorPool));
        }
        try
        {
            return work(detector);
        }
        finally
        {
            Return(detector);
        }
    }

    private void Return(MaskRcnnDetector detector)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        try
        {
            _free.Add(detector, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The pool was disposed while this detection ran; the detector is disposed with it.
        }
    }

    /// <summary>Disposes every detector (each waits for its detection in progress).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _free.CompleteAdding();
        foreach (var d in _detectors) d.Dispose();
        _free.Dispose();
    }
}
