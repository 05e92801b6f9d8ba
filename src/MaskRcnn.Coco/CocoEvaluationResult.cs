using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace MaskRcnn.Coco;

/// <summary>
/// The accumulated result of a <see cref="CocoEvaluator"/>: pycocotools' <c>eval['precision']</c>,
/// <c>eval['recall']</c> and <c>eval['scores']</c> arrays, the <c>summarize()</c> numbers and text, and per-category AP.
/// Values are -1 where there is no ground truth to measure against, as in pycocotools.
/// </summary>
public sealed class CocoEvaluationResult
{
    private static readonly string[] StandardAreaLabels = ["all", "small", "medium", "large"];

    private readonly double[] _iouThresholds;
    private readonly double[] _recallThresholds;
    private readonly int[] _maxDetections;
    private readonly CocoAreaRange[] _areaRanges;
    private readonly long[] _categoryIds;
    private readonly double[] _precision;
    private readonly double[] _recall;
    private readonly double[] _scores;
    private ReadOnlyCollection<double>? _stats;

    internal CocoEvaluationResult(
        CocoIouType iouType,
        CocoEvaluationParameters parameters,
        double[] iouThresholds,
        double[] recallThresholds,
        int[] maxDetections,
        CocoAreaRange[] areaRanges,
        long[] categoryIds,
        double[] precision,
        double[] recall,
        double[] scores)
    {
        IouType = iouType;
        Parameters = parameters;
        _iouThresholds = iouThresholds;
        _recallThresholds = recallThresholds;
        _maxDetections = maxDetections;
        _areaRanges = areaRanges;
        _categoryIds = categoryIds;
        _precision = precision;
        _recall = recall;
        _scores = scores;
        CategoryIds = Array.AsReadOnly(categoryIds);
    }

    /// <summary>Gets the IoU type that was evaluated.</summary>
    public CocoIouType IouType { get; }

    /// <summary>Gets the effective settings.</summary>
    public CocoEvaluationParameters Parameters { get; }

    /// <summary>
    /// Gets the category axis (K) of the arrays: the evaluated category ids in ascending order, or the single id -1
    /// when categories were not used.
    /// </summary>
    public ReadOnlyCollection<long> CategoryIds { get; }

    /// <summary>
    /// Gets the 12 standard numbers of pycocotools' <c>summarize()</c>: AP, AP50, AP75, AP small, AP medium, AP large,
    /// AR1, AR10, AR100, AR small, AR medium, AR large (with the first, second and third max-detections values for
    /// the AR numbers and the third one elsewhere).
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than three max-detections values were evaluated.</exception>
    public ReadOnlyCollection<double> Stats => _stats ??= Array.AsReadOnly(ComputeStats());

    /// <summary>Gets AP at IoU .50:.95, all areas, 100 detections (<c>stats[0]</c>).</summary>
    public double AveragePrecision => Stats[0];

    /// <summary>Gets AP at IoU .50 (<c>stats[1]</c>).</summary>
    public double AveragePrecision50 => Stats[1];

    /// <summary>Gets AP at IoU .75 (<c>stats[2]</c>).</summary>
    public double AveragePrecision75 => Stats[2];

    /// <summary>Gets AP for small objects (<c>stats[3]</c>).</summary>
    public double AveragePrecisionSmall => Stats[3];

    /// <summary>Gets AP for medium objects (<c>stats[4]</c>).</summary>
    public double AveragePrecisionMedium => Stats[4];

    /// <summary>Gets AP for large objects (<c>stats[5]</c>).</summary>
    public double AveragePrecisionLarge => Stats[5];

    /// <summary>Gets AR with 1 detection per image (<c>stats[6]</c>).</summary>
    public double AverageRecall1 => Stats[6];

    /// <summary>Gets AR with 10 detections per image (<c>stats[7]</c>).</summary>
    public double AverageRecall10 => Stats[7];

    /// <summary>Gets AR with 100 detections per image (<c>stats[8]</c>).</summary>
    public double AverageRecall100 => Stats[8];

    /// <summary>Gets AR for small objects (<c>stats[9]</c>).</summary>
    public double AverageRecallSmall => Stats[9];

    /// <summary>Gets AR for medium objects (<c>stats[10]</c>).</summary>
    public double AverageRecallMedium => Stats[10];

    /// <summary>Gets AR for large objects (<c>stats[11]</c>).</summary>
    public double AverageRecallLarge => Stats[11];

    /// <summary>
    /// Gets the interpolated precision <c>precision[t, r, k, a, m]</c>: at IoU threshold <paramref name="iou"/>, recall
    /// point <paramref name="recall"/>, category index <paramref name="category"/> (into <see cref="CategoryIds"/>),
    /// area range <paramref name="area"/> and max-detections index <paramref name="maxDetections"/>.
    /// </summary>
    /// <param name="iou">IoU threshold index.</param>
    /// <param name="recall">Recall point index.</param>
    /// <param name="category">Category index.</param>
    /// <param name="area">Area range index.</param>
    /// <param name="maxDetections">Max-detections index.</param>
    /// <returns>The precision, or -1 when there is no ground truth for that setting.</returns>
    public double GetPrecision(int iou, int recall, int category, int area, int maxDetections) =>
        _precision[PrecisionSlot(iou, recall, category, area, maxDetections)];

    /// <summary>Gets the score at which <see cref="GetPrecision"/>'s recall point is reached (<c>eval['scores']</c>).</summary>
    /// <param name="iou">IoU threshold index.</param>
    /// <param name="recall">Recall point index.</param>
    /// <param name="category">Category index.</param>
    /// <param name="area">Area range index.</param>
    /// <param name="maxDetections">Max-detections index.</param>
    /// <returns>The score, 0 beyond the reached recall, or -1 when there is no ground truth for that setting.</returns>
    public double GetScore(int iou, int recall, int category, int area, int maxDetections) =>
        _scores[PrecisionSlot(iou, recall, category, area, maxDetections)];

    /// <summary>Gets the final recall <c>recall[t, k, a, m]</c>.</summary>
    /// <param name="iou">IoU threshold index.</param>
    /// <param name="category">Category index.</param>
    /// <param name="area">Area range index.</param>
    /// <param name="maxDetections">Max-detections index.</param>
    /// <returns>The recall, or -1 when there is no ground truth for that setting.</returns>
    public double GetRecall(int iou, int category, int area, int maxDetections)
    {
        CheckIndex(iou, _iouThresholds.Length, nameof(iou));
        CheckIndex(category, _categoryIds.Length, nameof(category));
        CheckIndex(area, _areaRanges.Length, nameof(area));
        CheckIndex(maxDetections, _maxDetections.Length, nameof(maxDetections));
        return _recall[(((((iou * _categoryIds.Length) + category) * _areaRanges.Length) + area) * _maxDetections.Length) + maxDetections];
    }

    /// <summary>
    /// Computes one summary number as pycocotools' <c>_summarize</c>: the mean of the precision (or recall) values
    /// that are not -1 over the selected IoU thresholds, recall points and all categories.
    /// </summary>
    /// <param name="averagePrecision"><see langword="true"/> for AP, <see langword="false"/> for AR.</param>
    /// <param name="iouThreshold">One IoU threshold (compared exactly), or <see langword="null"/> for all.</param>
    /// <param name="areaRange">The area range label.</param>
    /// <param name="maxDetections">The max-detections value.</param>
    /// <returns>The mean, or -1 when there is nothing to average.</returns>
    public double Summarize(bool averagePrecision, double? iouThreshold = null, string areaRange = "all", int maxDetections = 100) =>
        SummarizeCategories(averagePrecision, iouThreshold, areaRange, maxDetections, null);

    /// <summary>
    /// Gets one category's AP: the mean of its precision values that are not -1, over the selected IoU thresholds and
    /// all recall points.
    /// </summary>
    /// <param name="categoryId">The category id.</param>
    /// <param name="iouThreshold">One IoU threshold (compared exactly), or <see langword="null"/> for .50:.95.</param>
    /// <param name="areaRange">The area range label.</param>
    /// <param name="maxDetections">The max-detections value, or <see langword="null"/> for the largest.</param>
    /// <returns>The AP, or -1 when the category has no ground truth in that setting.</returns>
    /// <exception cref="ArgumentException">The category was not evaluated.</exception>
    public double GetCategoryAp(long categoryId, double? iouThreshold = null, string areaRange = "all", int? maxDetections = null)
    {
        int k = Array.IndexOf(_categoryIds, categoryId);
        if (k < 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Category {categoryId} was not evaluated."), nameof(categoryId));
        }

        return SummarizeCategories(true, iouThreshold, areaRange, maxDetections ?? _maxDetections[^1], k);
    }

    /// <summary>Gets every category's AP at IoU .50:.95, all areas and the largest max-detections value.</summary>
    /// <returns>Category id to AP (-1 for categories without ground truth).</returns>
    public IReadOnlyDictionary<long, double> GetCategoryAps()
    {
        var result = new Dictionary<long, double>(_categoryIds.Length);
        for (int k = 0; k < _categoryIds.Length; k++)
        {
            result[_categoryIds[k]] = SummarizeCategories(true, null, "all", _maxDetections[^1], k);
        }

        return result;
    }

    /// <summary>
    /// Formats the 12 summary lines exactly as pycocotools' <c>summarize()</c> prints them, e.g.
    /// <c> Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.372</c>.
    /// </summary>
    /// <returns>The lines, separated by <c>\n</c>.</returns>
    public string FormatSummary()
    {
        var text = new StringBuilder();
        int m0 = _maxDetections[0], m1 = MaxDetectionsAt(1), m2 = MaxDetectionsAt(2);
        AppendLine(text, true, null, "all", m2);
        AppendLine(text, true, 0.5, "all", m2);
        AppendLine(text, true, 0.75, "all", m2);
        AppendLine(text, true, null, "small", m2);
        AppendLine(text, true, null, "medium", m2);
        AppendLine(text, true, null, "large", m2);
        AppendLine(text, false, null, "all", m0);
        AppendLine(text, false, null, "all", m1);
        AppendLine(text, false, null, "all", m2);
        AppendLine(text, false, null, "small", m2);
        AppendLine(text, false, null, "medium", m2);
        AppendLine(text, false, null, "large", m2);
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Returns <see cref="FormatSummary"/>.</summary>
    /// <returns>The summary lines.</returns>
    public override string ToString() => FormatSummary();

    private static void CheckIndex(int index, int length, string name)
    {
        if ((uint)index >= (uint)length)
        {
            throw new ArgumentOutOfRangeException(name, index, string.Create(CultureInfo.InvariantCulture, $"Must be in 0..{length - 1}."));
        }
    }

    private int MaxDetectionsAt(int index)
    {
        if (index >= _maxDetections.Length)
        {
            throw new InvalidOperationException("The standard summary needs three max-detections values (as pycocotools' summarize does).");
        }

        return _maxDetections[index];
    }

    private double[] ComputeStats()
    {
        int m0 = _maxDetections[0], m1 = MaxDetectionsAt(1), m2 = MaxDetectionsAt(2);
        return
        [
            Summarize(true, null, "all", m2),
            Summarize(true, 0.5, "all", m2),
            Summarize(true, 0.75, "all", m2),
            Summarize(true, null, StandardAreaLabels[1], m2),
            Summarize(true, null, StandardAreaLabels[2], m2),
            Summarize(true, null, StandardAreaLabels[3], m2),
            Summarize(false, null, "all", m0),
            Summarize(false, null, "all", m1),
            Summarize(false, null, "all", m2),
            Summarize(false, null, StandardAreaLabels[1], m2),
            Summarize(false, null, StandardAreaLabels[2], m2),
            Summarize(false, null, StandardAreaLabels[3], m2),
        ];
    }

    private void AppendLine(StringBuilder text, bool ap, double? iouThreshold, string areaRange, int maxDetections)
    {
        double value = Summarize(ap, iouThreshold, areaRange, maxDetections);
        string title = ap ? "Average Precision" : "Average Recall";
        string type = ap ? "(AP)" : "(AR)";
        string iou = iouThreshold is { } t
            ? PyCompat.FormatFixed(t, 2)
            : PyCompat.FormatFixed(_iouThresholds[0], 2) + ":" + PyCompat.FormatFixed(_iouThresholds[^1], 2);
        text.Append(CultureInfo.InvariantCulture, $" {title,-18} {type} @[ IoU={iou,-9} | area={areaRange,6} | maxDets={maxDetections,3} ] = {PyCompat.FormatFixed(value, 3)}\n");
    }

    private double SummarizeCategories(bool averagePrecision, double? iouThreshold, string areaRange, int maxDetections, int? onlyCategory)
    {
        var thresholds = new List<int>();
        for (int t = 0; t < _iouThresholds.Length; t++)
        {
            if (iouThreshold is null || _iouThresholds[t] == iouThreshold.Value)
            {
                thresholds.Add(t);
            }
        }

        // pycocotools indexes with every matching area label and max-detections value; with the usual unique labels
        // and values that is one of each.
        int a = Array.FindIndex(_areaRanges, r => r.Label == areaRange);
        int m = Array.IndexOf(_maxDetections, maxDetections);
        if (a < 0 || m < 0 || thresholds.Count == 0)
        {
            return -1;
        }

        int kFirst = onlyCategory ?? 0;
        int kEnd = onlyCategory is { } only ? only + 1 : _categoryIds.Length;
        var values = new List<double>();
        foreach (int t in thresholds)
        {
            if (averagePrecision)
            {
                for (int r = 0; r < _recallThresholds.Length; r++)
                {
                    for (int k = kFirst; k < kEnd; k++)
                    {
                        double v = _precision[PrecisionSlot(t, r, k, a, m)];
                        if (v > -1)
                        {
                            values.Add(v);
                        }
                    }
                }
            }
            else
            {
                for (int k = kFirst; k < kEnd; k++)
                {
                    double v = GetRecall(t, k, a, m);
                    if (v > -1)
                    {
                        values.Add(v);
                    }
                }
            }
        }

        return values.Count == 0 ? -1 : PyCompat.Mean(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
    }

    private int PrecisionSlot(int t, int r, int k, int a, int m)
    {
        CheckIndex(t, _iouThresholds.Length, "iou");
        CheckIndex(r, _recallThresholds.Length, "recall");
        CheckIndex(k, _categoryIds.Length, "category");
        CheckIndex(a, _areaRanges.Length, "area");
        CheckIndex(m, _maxDetections.Length, "maxDetections");
        return (((((((t * _recallThresholds.Length) + r) * _categoryIds.Length) + k) * _areaRanges.Length) + a) * _maxDetections.Length) + m;
    }
}
