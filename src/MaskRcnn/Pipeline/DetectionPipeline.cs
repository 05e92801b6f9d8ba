using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace MaskRcnn.Pipeline;

/// <summary>
/// Detects in a stream of images (a folder, a list of files, the frames of a video) keeping every core busy: readers
/// decode the next inputs while a pool of nets runs forward passes and the caller's sink draws and writes the
/// previous ones. Stages are joined by bounded channels, and at most <see cref="DetectionPipelineOptions.Capacity"/>
/// images are held at once (readers wait when it is reached), so memory stays bounded however long the input.
/// </summary>
/// <remarks>
/// <para>The sink is called on one thread at a time, in input order, with every input: detected, or carrying the
/// error that input alone caused (unreadable file, undecodable image, failed detection). A failed input never ends
/// the run. An exception thrown by the sink, by the input sequence or by the decode function ends it: the run stops,
/// disposes what it holds and rethrows that exception.</para>
/// <para>Cancelling stops the run promptly: no further sink calls, forward passes in progress finish, every image
/// decoded but not delivered is disposed, and <see cref="OperationCanceledException"/> is thrown.</para>
/// <para>The pipeline owns its nets; <see cref="Dispose"/> frees them. Several runs may share one pipeline at once
/// (they share its nets).</para>
/// </remarks>
public sealed class DetectionPipeline : IDisposable
{
    private readonly MaskRcnnDetectorPool _pool;
    private int _imagesHeld;
    private int _peakImagesHeld;

    private DetectionPipeline(MaskRcnnDetectorPool pool, DetectionPipelineOptions options)
    {
        _pool = pool;
        Options = options;
    }

    /// <summary>
    /// Loads <see cref="DetectionPipelineOptions.Detectors"/> nets of one model (see
    /// <see cref="MaskRcnnDetector.Load(ModelInput, ModelInput?, LabelMap?, MaskRcnnOptions?, ILogger?)"/>) and sets OpenCV's
    /// thread count to <see cref="DetectionPipelineOptions.OpenCvThreads"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid, or <paramref name="detectorOptions"/> sets
    /// <see cref="MaskRcnnOptions.Threads"/> to another count than <see cref="DetectionPipelineOptions.OpenCvThreads"/>.</exception>
    public static DetectionPipeline Load(ModelInput model, ModelInput? textGraph = null, LabelMap? labels = null,
        MaskRcnnOptions? detectorOptions = null, DetectionPipelineOptions? options = null, ILogger? logger = null)
    {
        options = (options ?? DetectionPipelineOptions.Default).Validate();
        detectorOptions ??= MaskRcnnOptions.Default;
        if (detectorOptions.Threads is { } threads && threads != options.OpenCvThreads)
            throw new ArgumentException(
                $"MaskRcnnOptions.Threads is {threads} but DetectionPipelineOptions.OpenCvThreads is {options.OpenCvThreads}; " +
                "OpenCV has one thread count per process, so set it in DetectionPipelineOptions only.", nameof(detectorOptions));
        var pool = MaskRcnnDetectorPool.Load(options.Detectors, model, textGraph, labels,
            detectorOptions with { Threads = options.OpenCvThreads }, logger);
        return new DetectionPipeline(pool, options);
    }

    /// <summary>The validated options in use.</summary>
    public DetectionPipelineOptions Options { get; }

    /// <summary>The nets; <see cref="MaskRcnnDetectorPool.Template"/> gives the model's facts (classes, device, ...).</summary>
    public MaskRcnnDetectorPool Pool => _pool;

    /// <summary>Images decoded and not yet disposed, over all runs (for tests of the memory bound).</summary>
    internal int ImagesHeld => Volatile.Read(ref _imagesHeld);

    /// <summary>The most images held at once since the pipeline was loaded.</summary>
    internal int PeakImagesHeld => Volatile.Read(ref _peakImagesHeld);

    /// <summary>Reads and detects image files (decoded as <see cref="MaskRcnnDetector.Detect"/> does, within
    /// <see cref="MaskRcnnOptions.MaxImagePixels"/>), calling <paramref name="sink"/> for each in order. A missing,
    /// oversized or undecodable file fails alone.</summary>
    public DetectionPipelineSummary Run(IEnumerable<string> imagePaths, Action<PipelineItem<string>> sink, CancellationToken cancellationToken = default)
    {
        var maxPixels = _pool.Template.Options.MaxImagePixels;
        return Run(imagePaths, path => ImageInput.FromFile(path).Open(maxPixels, out _), sink, cancellationToken);
    }

    /// <summary>
    /// Detects in images already decoded, such as a video's frames read lazily, calling <paramref name="sink"/> for
    /// each in order. The pipeline takes ownership of each Mat the sequence yields and disposes it after its sink call
    /// (or when the run stops).
    /// </summary>
    public DetectionPipelineSummary Run(IEnumerable<Mat> frames, Action<PipelineItem<Mat>> sink, CancellationToken cancellationToken = default) =>
        Run(frames, static frame => frame, sink, cancellationToken);

    /// <summary>Runs <see cref="RunAsync{TInput}"/> and waits for it.</summary>
    public DetectionPipelineSummary Run<TInput>(IEnumerable<TInput> inputs, Func<TInput, Mat> decode, Action<PipelineItem<TInput>> sink,
        CancellationToken cancellationToken = default) =>
        RunAsync(inputs, decode, sink, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Decodes each input with <paramref name="decode"/> (on <see cref="DetectionPipelineOptions.Readers"/> threads;
    /// the pipeline owns the Mat it returns), detects in it on the pool of nets, and calls <paramref name="sink"/> with
    /// each input in order.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<DetectionPipelineSummary> RunAsync<TInput>(IEnumerable<TInput> inputs, Func<TInput, Mat> decode, Action<PipelineItem<TInput>> sink,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentNullException.ThrowIfNull(sink);
        var clock = Stopwatch.StartNew();
        using var run = new RunState<TInput>(inputs, Options, cancellationToken);
        var readers = Stage(Options.Readers, () => ReadAsync(run, decode), () => run.Decoded.Writer.TryComplete(), run.Stop);
        var detectors = Stage(Options.Detectors, () => DetectAsync(run), () => run.Detected.Writer.TryComplete(), run.Stop);
        var delivery = Stage(1, () => DeliverAsync(run, sink), null, run.Stop);
        await Task.WhenAll(readers, detectors, delivery).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        DiscardAll(run);
        // The sink's error first: it is the caller's own; then the input sequence's or decoder's, then the nets'.
        foreach (var stage in new[] { delivery, readers, detectors })
            if (stage.Exception?.InnerException is { } error) ExceptionDispatchInfo.Throw(error);
        cancellationToken.ThrowIfCancellationRequested();
        if (run.Stop.IsCancellationRequested) throw new OperationCanceledException("The pipeline was stopped by an operation that was cancelled.");
        return new DetectionPipelineSummary(run.Succeeded, run.Failed, clock.Elapsed);
    }

    /// <summary>Runs <paramref name="workers"/> copies of <paramref name="work"/>; when all have ended, calls
    /// <paramref name="completed"/> (to close the stage's output channel).</summary>
    private static Task Stage(int workers, Func<Task> work, Action? completed, CancellationTokenSource stop) =>
        Task.Run(async () =>
        {
            var tasks = new Task[workers];
            for (var i = 0; i < workers; i++)
                tasks[i] = Task.Run(async () =>
                {
                    try
                    {
                        await work().ConfigureAwait(false);
                    }
                    catch
                    {
                        // One worker's failure or cancellation stops every stage.
                        await stop.CancelAsync().ConfigureAwait(false);
                        throw;
                    }
                });
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            finally
            {
                completed?.Invoke();
            }
        });

    private async Task ReadAsync<TInput>(RunState<TInput> run, Func<TInput, Mat> decode)
    {
        var token = run.Stop.Token;
        while (true)
        {
            // A slot in the window first: it bounds the images held, from here until the sink has returned.
            await run.Window.WaitAsync(token).ConfigureAwait(false);
            if (!run.TryTake(out var index, out var input))
            {
                run.Window.Release();
                return;
            }
            var work = new Work<TInput>(index, input);
            try
            {
                var image = decode(input);
                if (image is null || image.Empty())
                {
                    image?.Dispose();
                    throw new InvalidImageException($"{input}: decoding gave an empty image.");
                }
                work.Image = Hold(image);
            }
            catch (Exception e) when (IsInputError(e))
            {
                work.Error = e;
            }
            try
            {
                await run.Decoded.Writer.WriteAsync(work, token).ConfigureAwait(false);
            }
            catch
            {
                Discard(work);
                throw;
            }
        }
    }

    private async Task DetectAsync<TInput>(RunState<TInput> run)
    {
        var token = run.Stop.Token;
        await foreach (var work in run.Decoded.Reader.ReadAllAsync(token).ConfigureAwait(false))
        {
            try
            {
                if (work.Image is not null)
                {
                    try
                    {
                        work.Result = _pool.Detect(ImageInput.FromMat(work.Image, $"{work.Input}"), null, token);
                    }
                    catch (Exception e) when (IsInputError(e))
                    {
                        work.Error = e;
                    }
                }
                await run.Detected.Writer.WriteAsync(work, token).ConfigureAwait(false);
            }
            catch
            {
                Discard(work);
                throw;
            }
        }
    }

    private async Task DeliverAsync<TInput>(RunState<TInput> run, Action<PipelineItem<TInput>> sink)
    {
        var token = run.Stop.Token;
        var next = 0;
        await foreach (var work in run.Detected.Reader.ReadAllAsync(token).ConfigureAwait(false))
        {
            // Nets finish out of order; hold results until the next one in input order arrives.
            run.Pending.Add(work.Index, work);
            while (run.Pending.Remove(next, out var ready))
            {
                next++;
                try
                {
                    token.ThrowIfCancellationRequested();
                    sink(new PipelineItem<TInput>(ready.Index, ready.Input, ready.Image, ready.Result, ready.Error));
                    if (ready.Result is not null) run.Succeeded++;
                    else run.Failed++;
                }
                finally
                {
                    Discard(ready);
                    run.Window.Release();
                }
            }
        }
    }

    private Mat Hold(Mat image)
    {
        var held = Interlocked.Increment(ref _imagesHeld);
        var peak = Volatile.Read(ref _peakImagesHeld);
        while (held > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakImagesHeld, held, peak);
            if (seen == peak) break;
            peak = seen;
        }
        return image;
    }

    private void Discard<TInput>(Work<TInput> work)
    {
        if (work.Image is null) return;
        work.Image.Dispose();
        work.Image = null;
        Interlocked.Decrement(ref _imagesHeld);
    }

    /// <summary>Disposes every image left in the channels or waiting for its turn, after all stages have ended.</summary>
    private void DiscardAll<TInput>(RunState<TInput> run)
    {
        while (run.Decoded.Reader.TryRead(out var work)) Discard(work);
        while (run.Detected.Reader.TryRead(out var work)) Discard(work);
        foreach (var work in run.Pending.Values) Discard(work);
        run.Pending.Clear();
    }

    private static bool IsInputError(Exception e) => e is not (OutOfMemoryException or ObjectDisposedException or OperationCanceledException);

    /// <summary>Frees the nets (each waits for its forward pass in progress).</summary>
    public void Dispose() => _pool.Dispose();

    private sealed class Work<TInput>(int index, TInput input)
    {
        public int Index { get; } = index;
        public TInput Input { get; } = input;
        public Mat? Image { get; set; }
        public DetectionResult? Result { get; set; }
        public Exception? Error { get; set; }
    }

    /// <summary>The state of one run: its input, channels, window and counts.</summary>
    private sealed class RunState<TInput> : IDisposable
    {
        private readonly object _gate = new();
        private readonly IEnumerator<TInput> _inputs;
        private int _next;

        public RunState(IEnumerable<TInput> inputs, DetectionPipelineOptions options, CancellationToken cancellationToken)
        {
            Stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Window = new SemaphoreSlim(options.Capacity, options.Capacity);
            // The window already bounds what the channels can hold; bounding them too keeps that true by construction.
            Decoded = Channel.CreateBounded<Work<TInput>>(new BoundedChannelOptions(options.Capacity) { SingleWriter = options.Readers == 1 });
            Detected = Channel.CreateBounded<Work<TInput>>(new BoundedChannelOptions(options.Capacity) { SingleReader = true, SingleWriter = options.Detectors == 1 });
            _inputs = inputs.GetEnumerator();
        }

        public CancellationTokenSource Stop { get; }
        public SemaphoreSlim Window { get; }
        public Channel<Work<TInput>> Decoded { get; }
        public Channel<Work<TInput>> Detected { get; }
        public Dictionary<int, Work<TInput>> Pending { get; } = [];
        public int Succeeded { get; set; }
        public int Failed { get; set; }

        /// <summary>The next input and its index; false at the end. Inputs are taken one at a time, in order.</summary>
        public bool TryTake(out int index, out TInput input)
        {
            lock (_gate)
            {
                if (!_inputs.MoveNext())
                {
                    (index, input) = (-1, default!);
                    return false;
                }
                (index, input) = (_next++, _inputs.Current);
                return true;
            }
        }

        public void Dispose()
        {
            _inputs.Dispose();
            Window.Dispose();
            Stop.Dispose();
        }
    }
}
