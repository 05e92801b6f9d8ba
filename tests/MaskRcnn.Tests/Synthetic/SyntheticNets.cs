using MaskRcnn.Synthetic;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>Synthetic models built once per test class and loaded into OpenCV from their frozen graph.</summary>
public sealed class SyntheticNets : IDisposable
{
    private readonly Dictionary<int, (SyntheticModelOptions Options, Net Net)> _nets = [];
    private readonly Lock _lock = new();

    public SyntheticModelOptions Options(int numClasses) => Get(numClasses).Options;

    public Net Net(int numClasses) => Get(numClasses).Net;

    private (SyntheticModelOptions Options, Net Net) Get(int numClasses)
    {
        lock (_lock)
        {
            if (!_nets.TryGetValue(numClasses, out var entry))
            {
                var options = new SyntheticModelOptions { NumClasses = numClasses };
                var net = CvDnn.ReadNetFromTensorflow(SyntheticModelBuilder.Build(options).FrozenGraphBytes())
                    ?? throw new InvalidOperationException("OpenCV returned no net.");
                Assert.False(net.Empty());
                entry = (options, net);
                _nets[numClasses] = entry;
            }
            return entry;
        }
    }

    public void Dispose()
    {
        foreach (var (_, net) in _nets.Values) net.Dispose();
        _nets.Clear();
    }
}
