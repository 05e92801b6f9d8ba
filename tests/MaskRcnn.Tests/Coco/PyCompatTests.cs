using MaskRcnn.Coco;

namespace MaskRcnn.Tests.Coco;

public class PyCompatTests
{
    [Theory]
    [InlineData(0.0625, 3, "0.062")] // exactly halfway in binary: Python rounds half to even
    [InlineData(0.1875, 3, "0.188")]
    [InlineData(0.5625, 3, "0.562")]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.8514851485148515, 3, "0.851")]
    [InlineData(0.9996, 3, "1.000")]
    [InlineData(-1.0, 3, "-1.000")]
    [InlineData(0.0, 3, "0.000")]
    [InlineData(0.95, 2, "0.95")]
    [InlineData(0.8999999999999999, 2, "0.90")]
    [InlineData(12.5, 0, "12")]
    public void FormatFixed_matches_python_format(double value, int digits, string expected)
    {
        Assert.Equal(expected, PyCompat.FormatFixed(value, digits));
    }

    [Fact]
    public void Linspace_matches_numpy_bit_for_bit()
    {
        // np.linspace(.5, .95, 10): the ninth value is 0.8999999999999999, and .75 is exact (so AP75 finds it).
        var iou = PyCompat.Linspace(0.5, 0.95, 10);
        Assert.Equal([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95], iou);

        // np.linspace(0, 1, 101) is i * 0.01, which differs from i / 100 at i = 35, 41, 47, 57, ...
        var recall = PyCompat.Linspace(0, 1, 101);
        Assert.Equal(0.5700000000000001, recall[57]);
        Assert.Equal(0.25, recall[25]);
        Assert.Equal(1.0, recall[100]);
        Assert.Equal([35, 41, 47, 57, 69, 70, 82, 83, 94, 95], Enumerable.Range(0, 101).Where(i => recall[i] != i / 100.0));
    }

    [Fact]
    public void Mean_uses_numpys_blockwise_pairwise_summation()
    {
        // np.mean([1 / (i + 1) for i in range(10000)]) = 0.0009787606036044383, while adding the values one by one
        // gives 0.0009787606036044348.
        var values = Enumerable.Range(0, 10000).Select(i => 1.0 / (i + 1)).ToArray();
        Assert.Equal(0.0009787606036044383, PyCompat.Mean(values));

        double naive = 0;
        foreach (double v in values)
        {
            naive += v;
        }

        Assert.Equal(0.0009787606036044348, naive / values.Length);

        // np.mean([i * 0.1 for i in range(20000)]) = 999.95 (sequential: 999.9499999999998).
        Assert.Equal(999.95, PyCompat.Mean(Enumerable.Range(0, 20000).Select(i => i * 0.1).ToArray()));
    }
}
