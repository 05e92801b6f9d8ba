using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// Several <see cref="MaskRcnnDetector"/>s over the same model, for detecting in parallel: each call borrows a free
/// detector, so up to <see cref="Size"/> forward passes run at once. Thread-safe.
/// </summary>
public sealed class MaskRcnnDetectorPool : IDisposable
{
    private readonly MaskRcnnDetector[] _detectors;
    private readonly BlockingCollection<MaskRcnnDetector> _free;
    private int _disposed;

    private MaskRcnnDetectorPool(MaskRcnnDetector[] detectors)
    {
        _detectors = detectors;
        _free = new BlockingCollection<MaskRcnnDetector>(new ConcurrentQueue<MaskRcnnDetector>(detectors));
    }

    /// <summary>Loads <paramref name="size"/> detectors of one model (see <see cref="MaskRcnnDetector.Load(string, string?, LabelMap?, MaskRcnnOptions?, ILogger?)"/>).</summary>
    public static MaskRcnnDetectorPool Load(int size, string modelPath, string? textGraphPath = null, LabelMap? labels = null, MaskRcnnOptions? options = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 64);
        var model = Loading.ModelSource.FromFile(modelPath, "model (.pb)");
        var text = textGraphPath is null ? null : Loading.ModelSource.FromFile(textGraphPath, "text graph (.pbtxt)");
        var detectors = new List<MaskRcnnDetector>(size);
        try
        {
            for (var i = 0; i < size; i++) detectors.Add(MaskRcnnDetector.Create(model, text, labels, options, logger));
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

    /// <summary>The first detector, for its model facts (classes, device, ...).</summary>
    public MaskRcnnDetector Template => _detectors[0];

    /// <summary>Detects in one image with the next free detector, waiting for one if all are busy.</summary>
    public DetectionResult Detect(Mat image, CancellationToken cancellationToken = default) =>
        WithDetector(d => d.Detect(image), cancellationToken);

    /// <summary>Detects in one image file with the next free detector.</summary>
    public DetectionResult Detect(string imagePath, CancellationToken cancellationToken = default) =>
        WithDetector(d => d.Detect(imagePath), cancellationToken);

    /// <summary>
    /// Detects in every file, <see cref="Size"/> at a time; outcomes come back in input order, failures included.
    /// Cancelling stops taking new images and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public IReadOnlyList<DetectionOutcome> DetectBatch(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var outcomes = new DetectionOutcome[imagePaths.Count];
        Parallel.For(0, imagePaths.Count, new ParallelOptions { MaxDegreeOfParallelism = Size, CancellationToken = cancellationToken }, i =>
        {
            outcomes[i] = WithDetector(d => d.Guard(i, imagePaths[i], () => d.Detect(imagePaths[i])), cancellationToken);
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
