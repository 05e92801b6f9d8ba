using MaskRcnn.Graph;

namespace MaskRcnn.Synthetic;

/// <summary>
/// Writes a hand-weighted Mask R-CNN graph in the topology OpenCV runs for TensorFlow Object Detection API models
/// (the same ops, attributes and text-graph layers as <c>tf_text_graph_mask_rcnn.py</c> produces), whose answers are
/// known in advance.
/// </summary>
/// <remarks>
/// How the weights make it work:
/// <list type="bullet">
/// <item>Feature extractor (full resolution, 1x1 convolutions): an object bit (gray above the background) and one
/// indicator per gray band, from steep Relu6 ramps on the pixel's gray level.</item>
/// <item>Region proposals on a 16-pixel grid: a cell is occupied when at least half of it is object. A chain of 3x3
/// convolutions measures, for each cell, how many occupied cells run left, right, up and down from it; the cell whose
/// row and column runs are longest (a 3x3 local maximum) proposes the box spanned by those runs, encoded against a
/// 16x16 anchor (the log of the size is exact at whole cells through a sum of ramps). Other object cells get an
/// objectness of exactly zero, so each object yields one proposal; background cells fill the remaining slots with
/// near-zero objectness.</item>
/// <item>Second stage: the class score grows with the fraction of the cropped box showing the band's gray; box
/// refinement is zero, so the final box is the proposal.</item>
/// <item>Mask head: channel c is sigmoid(12 * (indicator - 0.5)) of class c's band, so the mask reproduces the shape.</item>
/// </list>
/// Boxes are exact when objects are aligned to the 16-pixel grid of the network input and at least one empty cell
/// apart.
/// </remarks>
public static class SyntheticModelBuilder
{
    private const int Cell = SyntheticModelOptions.CellSize;

    /// <summary>Builds the model for the given options.</summary>
    public static SyntheticModel Build(SyntheticModelOptions? options = null)
    {
        options = (options ?? new SyntheticModelOptions()).Validate();
        var g = new GraphBuilder();
        var bands = options.ResolvedBandClassIds;
        var k = bands.Count;

        // Input and TF OD API preprocessing: x = pixel * 2/255 - 1.
        g.Add("image_tensor", "Placeholder", [],
            ("dtype", AttrValue.Of(TensorDataType.DT_UINT8)),
            ("shape", AttrValue.Of(new TensorShape(-1, -1, -1, 3))));
        var mulX = g.Const("Preprocessor/mul/x", TensorProto.FloatScalar(2f / 255f));
        var mul = g.Add("Preprocessor/mul", "Mul", ["image_tensor", mulX], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)));
        var subY = g.Const("Preprocessor/sub/y", TensorProto.FloatScalar(1f));
        var pre = g.Add("Preprocessor/sub", "Sub", [mul, subY], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)));

        var features = FeatureExtractor(g, pre, k);
        var rpn = ProposalGrid(g, features, k, options.MaxObjectCells);
        var proposals = FirstStage(g, rpn, options);
        var finalOut = SecondStage(g, features, proposals, options, bands);
        MaskHead(g, features, finalOut, options, bands);

        var labels = SyntheticLabels.For(options.NumClasses);
        return new SyntheticModel(g, options, labels);
    }

    // gray = 127.5 * (mean(x) + 1); u_t = Relu6(gray - t + 3) ramps from 0 to 6 across t +- 3 gray levels.
    private static string FeatureExtractor(GraphBuilder g, string input, int bandCount)
    {
        var thresholds = new double[bandCount];
        thresholds[0] = SyntheticPalette.ObjectThreshold(bandCount);
        for (var b = 1; b < bandCount; b++) thresholds[b] = SyntheticPalette.BandThreshold(b, bandCount);

        var w1 = new float[3 * bandCount];
        var b1 = new float[bandCount];
        for (var t = 0; t < bandCount; t++)
        {
            for (var c = 0; c < 3; c++) w1[c * bandCount + t] = 127.5f / 3f;
            b1[t] = (float)(127.5 - thresholds[t] + 3);
        }
        var ramps = g.Unary("FirstStageFeatureExtractor/Conv2d_0a_1x1/Relu6", "Relu6",
            g.Conv("FirstStageFeatureExtractor/Conv2d_0a_1x1", input, w1, 1, 1, 3, bandCount, b1));

        // Channel 0: object bit; channel 1 + b: band b indicator = (u_b - u_{b+1}) / 6.
        var outCh = bandCount + 1;
        var w2 = new float[bandCount * outCh];
        w2[0 * outCh + 0] = 1f / 6f;
        for (var b = 0; b < bandCount; b++)
        {
            w2[b * outCh + 1 + b] += 1f / 6f;
            if (b + 1 < bandCount) w2[(b + 1) * outCh + 1 + b] -= 1f / 6f;
        }
        return g.Conv("FirstStageFeatureExtractor/Conv2d_0b_1x1", ramps, w2, 1, 1, bandCount, outCh, new float[outCh]);
    }

    // Channels of the run-length state: occupancy, four erosion fronts, four running sums.
    private const int Oc = 0, EL = 1, ER = 2, EU = 3, ED = 4, SL = 5, SR = 6, SU = 7, SD = 8, StateCh = 9;

    private static string ProposalGrid(GraphBuilder g, string features, int bandCount, int maxCells)
    {
        var fch = bandCount + 1;
        var pooled = g.Pool("Grid/AvgPool", "AvgPool", features, Cell, Cell, "SAME");

        // Occupied when at least half of the cell is object: a very steep ramp around 0.5.
        var wOcc = new float[fch];
        wOcc[0] = 1000f;
        var occ6 = g.Unary("Grid/Occupancy/Relu6", "Relu6", g.Conv("Grid/Occupancy", pooled, wOcc, 1, 1, fch, 1, [-500f + 3f]));

        var wInit = new float[StateCh];
        for (var c = Oc; c <= ED; c++) wInit[c] = 1f / 6f;
        var state = g.Conv("Grid/Init", occ6, wInit, 1, 1, 1, StateCh, new float[StateCh]);

        // One step: e' = relu(e(c) + e(neighbour) - 1) extends each front by one cell; s' = s + e.
        var wStep = new float[3 * 3 * StateCh * StateCh];
        void Tap(int dy, int dx, int ci, int co, float v) => wStep[(((dy + 1) * 3 + (dx + 1)) * StateCh + ci) * StateCh + co] += v;
        Tap(0, 0, Oc, Oc, 1);
        (int Ch, int Dy, int Dx)[] fronts = [(EL, 0, -1), (ER, 0, 1), (EU, -1, 0), (ED, 1, 0)];
        foreach (var (ch, dy, dx) in fronts)
        {
            Tap(0, 0, ch, ch, 1);
            Tap(dy, dx, ch, ch, 1);
            var sum = ch + 4;
            Tap(0, 0, sum, sum, 1);
            Tap(0, 0, ch, sum, 1);
        }
        var bStep = new float[StateCh];
        for (var c = EL; c <= ED; c++) bStep[c] = -1f;
        for (var i = 1; i <= maxCells; i++)
            state = g.Unary($"Grid/Run_{i}/Relu", "Relu", g.Conv($"Grid/Run_{i}", state, wStep, 3, 3, StateCh, StateCh, bStep));

        // Summary: v = width + height of the object through the cell (0 off objects), then a 3x3 max for local maxima.
        const int sumCh = 6;
        var wSum = new float[StateCh * sumCh];
        foreach (var s in new[] { SL, SR, SU, SD }) wSum[s * sumCh + 0] = 1;
        wSum[Oc * sumCh + 0] = -2;
        wSum[Oc * sumCh + 1] = 1;
        wSum[SL * sumCh + 2] = 1;
        wSum[SR * sumCh + 3] = 1;
        wSum[SU * sumCh + 4] = 1;
        wSum[SD * sumCh + 5] = 1;
        var summary = g.Conv("Grid/Summary", state, wSum, 1, 1, StateCh, sumCh, new float[sumCh]);
        var localMax = g.Pool("Grid/LocalMax", "MaxPool", summary, 3, 1, "SAME");
        var axis = g.Const("Grid/concat/axis", TensorProto.IntScalar(3));
        return g.Add("Grid/concat", "ConcatV2", [summary, localMax, axis],
            ("N", AttrValue.Of(2L)), ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("Tidx", AttrValue.Of(TensorDataType.DT_INT32)));
    }

    private static string FirstStage(GraphBuilder g, string grid, SyntheticModelOptions options)
    {
        // Inputs (12 channels): [v, oc, sL, sR, sU, sD] then their 3x3 maxima.
        const int inCh = 12, V = 0, O = 1, L = 2, R = 3, U = 4, D = 5, MaxV = 6;
        const float scale = 20f;
        var knots = 2 * options.MaxObjectCells - 2;
        var outCh = 6 + 2 * knots;
        var w = new float[inCh * outCh];
        var b = new float[outCh];
        void W(int ci, int co, float v) => w[ci * outCh + co] += v;
        // ch0: 1 at a local maximum of an object cell, else 0 (values are whole numbers).
        W(O, 0, 1); W(MaxV, 0, -1); W(V, 0, 1);
        W(O, 1, 1);
        W(L, 2, 1 / scale); W(R, 3, 1 / scale); W(U, 4, 1 / scale); W(D, 5, 1 / scale);
        for (var kn = 1; kn <= knots; kn++)
        {
            // relu6((n - k) / 20) with n = sL + sR - 1 (width in cells), then the same for the height.
            var cw = 6 + kn - 1;
            W(L, cw, 1 / scale); W(R, cw, 1 / scale); b[cw] = (-1 - kn) / scale;
            var chh = 6 + knots + kn - 1;
            W(U, chh, 1 / scale); W(D, chh, 1 / scale); b[chh] = (-1 - kn) / scale;
        }
        var rpn = g.Unary("Conv/Relu6", "Relu6", g.Conv("Conv", grid, w, 1, 1, inCh, outCh, b));

        // Box encoding against a 16x16 anchor centred on the cell, TF order (dy, dx, dh, dw), variances 0.1/0.2.
        var wb = new float[outCh * 4];
        void WB(int ci, int co, float v) => wb[ci * 4 + co] += v;
        WB(5, 0, 5 * scale); WB(4, 0, -5 * scale);   // dy = 5 (D - U)
        WB(3, 1, 5 * scale); WB(2, 1, -5 * scale);   // dx = 5 (R - L)
        var a = LogRampCoefficients(knots);
        for (var kn = 1; kn <= knots; kn++)
        {
            WB(6 + knots + kn - 1, 2, scale * a[kn]); // dh = 5 ln(height)
            WB(6 + kn - 1, 3, scale * a[kn]);         // dw = 5 ln(width)
        }
        var boxEnc = g.Conv("FirstStageBoxPredictor/BoxEncodingPredictor", rpn, wb, 1, 1, outCh, 4, new float[4], locPredTransposed: true);

        // Objectness logits (background, object): +10 at the proposing cell, -10 on background, -200 (exactly zero
        // probability) on the other cells of an object.
        var wc = new float[outCh * 2];
        wc[0 * 2 + 1] = 210;
        wc[1 * 2 + 1] = -190;
        var cls = g.Conv("FirstStageBoxPredictor/ClassPredictor", rpn, wc, 1, 1, outCh, 2, [0f, -10f]);

        var clsReshaped = g.Reshape("FirstStageBoxPredictor/ClassPredictor/reshape_1", cls, [0, -1, 2], shapeInTextGraph: true);
        var clsSoftmax = g.Softmax("FirstStageBoxPredictor/ClassPredictor/softmax", clsReshaped);
        var clsFlat = g.Flatten("FirstStageBoxPredictor/ClassPredictor/softmax/flatten", clsSoftmax);
        var boxFlat = g.Flatten("FirstStageBoxPredictor/BoxEncodingPredictor/flatten", boxEnc);

        var priors = g.Add("proposals", "PriorBox", [boxEnc, "image_tensor"],
            ("clip", AttrValue.Of(false)),
            ("flip", AttrValue.Of(false)),
            ("height", AttrValue.Of(TensorProto.FloatList(Cell))),
            ("offset", AttrValue.Of(0.5f)),
            ("step", AttrValue.Of((float)Cell)),
            ("variance", AttrValue.Of(TensorProto.FloatList(0.1f, 0.1f, 0.2f, 0.2f))),
            ("width", AttrValue.Of(TensorProto.FloatList(Cell))));

        return g.Add("detection_out", "DetectionOutput", [boxFlat, clsFlat, priors],
            ("background_label_id", AttrValue.Of(0L)),
            ("clip", AttrValue.Of(true)),
            ("code_type", AttrValue.Of("CENTER_SIZE")),
            ("keep_top_k", AttrValue.Of((long)options.MaxProposals)),
            ("nms_threshold", AttrValue.Of(0.7f)),
            ("num_classes", AttrValue.Of(2L)),
            ("share_location", AttrValue.Of(true)),
            ("top_k", AttrValue.Of(6000L)));
    }

    /// <summary>Coefficients a_k with sum_k a_k relu(n - k) = 5 ln n at every whole n in 1..knots+1.</summary>
    private static float[] LogRampCoefficients(int knots)
    {
        var a = new float[knots + 1];
        double previousSlope = 0;
        for (var kn = 1; kn <= knots; kn++)
        {
            var slope = 5 * (Math.Log(kn + 1) - Math.Log(kn));
            a[kn] = (float)(slope - previousSlope);
            previousSlope = slope;
        }
        return a;
    }

    private static string SecondStage(GraphBuilder g, string features, string proposals, SyntheticModelOptions options, IReadOnlyList<int> bands)
    {
        var fch = bands.Count + 1;
        var nc = options.NumClasses;
        var cropSize = g.Const("CropAndResize/crop_size", TensorProto.IntList(14, 14));
        var crop = g.Add("CropAndResize", "CropAndResize", [features, proposals, cropSize],
            ("extrapolation_value", AttrValue.Of(0f)), ("method", AttrValue.Of("bilinear")));
        var pooled = g.Pool("MaxPool2D/MaxPool", "MaxPool", crop, 2, 2, "VALID");
        var indices = g.Const("SecondStageBoxPredictor/AvgPool/reduction_indices", TensorProto.IntList(1, 2));
        var mean = g.Add("SecondStageBoxPredictor/AvgPool", "Mean", [pooled, indices],
            ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("Tidx", AttrValue.Of(TensorDataType.DT_INT32)), ("keep_dims", AttrValue.Of(true)));
        var flat = g.Flatten("SecondStageBoxPredictor/Flatten/flatten/Reshape", mean);

        // Box refinement: zero, so each detection keeps its proposal's box.
        var boxes = g.MatMul("SecondStageBoxPredictor/BoxEncodingPredictor", flat, new float[fch * nc * 4], fch, nc * 4, new float[nc * 4], locPredTransposed: true);

        // Class logits: background 0; class of band b: 30 * (fraction of the box in band b - 0.55).
        var wc = new float[fch * (nc + 1)];
        var bc = new float[nc + 1];
        for (var c = 1; c <= nc; c++) bc[c] = -30f;
        for (var band = 0; band < bands.Count; band++)
        {
            var cls = bands[band] + 1;
            wc[(1 + band) * (nc + 1) + cls] = 30f;
            bc[cls] = -30f * 0.55f;
        }
        var logits = g.MatMul("SecondStageBoxPredictor/ClassPredictor", flat, wc, fch, nc + 1, bc);

        var boxReshaped = g.Reshape("SecondStageBoxPredictor/Reshape", boxes, [1, -1, 4], shapeInTextGraph: true);
        var clsReshaped = g.Reshape("SecondStageBoxPredictor/Reshape_1", logits, [1, -1, nc + 1], shapeInTextGraph: false);
        var softmax = g.Softmax("SecondStageBoxPredictor/Reshape_1/softmax", clsReshaped);
        var sliced = g.Slice("SecondStageBoxPredictor/Reshape_1/slice", softmax, [0, 0, 1], [-1, -1, -1]);
        var scores = g.Reshape("SecondStageBoxPredictor/Reshape_1/Reshape", sliced, [1, -1], shapeInTextGraph: true);

        var proposalBoxes = g.Slice("detection_out/slice", proposals, [0, 0, 0, 3], [-1, -1, -1, 4]);
        var variance = g.Const("proposals/variance", TensorProto.FloatList(0.1f, 0.1f, 0.2f, 0.2f), inTextGraph: true);
        var encoded = g.Add("variance_encoded", "Mul", [boxReshaped, variance], ("axis", AttrValue.Of(2L)));
        var priorReshaped = g.Reshape("detection_out/slice/reshape", proposalBoxes, [1, 1, -1], shapeInTextGraph: true);
        var encodedFlat = g.Flatten("variance_encoded/flatten", encoded);

        return g.Add("detection_out_final", "DetectionOutput", [encodedFlat, scores, priorReshaped],
            ("background_label_id", AttrValue.Of((long)nc + 1)),
            ("clip", AttrValue.Of(true)),
            ("code_type", AttrValue.Of("CENTER_SIZE")),
            ("confidence_threshold", AttrValue.Of(0.3f)),
            ("group_by_classes", AttrValue.Of(false)),
            ("keep_top_k", AttrValue.Of((long)options.MaxDetections)),
            ("nms_threshold", AttrValue.Of(0.6f)),
            ("num_classes", AttrValue.Of((long)nc)),
            ("share_location", AttrValue.Of(false)),
            ("variance_encoded_in_target", AttrValue.Of(true)));
    }

    private static void MaskHead(GraphBuilder g, string features, string detections, SyntheticModelOptions options, IReadOnlyList<int> bands)
    {
        var fch = bands.Count + 1;
        var s = options.MaskSize;
        var nc = options.NumClasses;
        var cropSize = g.Const("CropAndResize_1/crop_size", TensorProto.IntList(2 * s, 2 * s));
        var crop = g.Add("CropAndResize_1", "CropAndResize", [features, detections, cropSize],
            ("extrapolation_value", AttrValue.Of(0f)), ("method", AttrValue.Of("bilinear")));
        var pooled = g.Pool("MaxPool2D_1/MaxPool", "MaxPool", crop, 2, 2, "VALID");
        var size = g.Const("SecondStageBoxPredictor_1/ResizeBilinear/size", TensorProto.IntList(s, s));
        var resized = g.Add("SecondStageBoxPredictor_1/ResizeBilinear", "ResizeBilinear", [pooled, size],
            ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("align_corners", AttrValue.Of(true)));

        // Conv: band indicators pass through; Conv_1: class c's logit = 24 * indicator(band of c) - 12.
        var w0 = new float[fch * bands.Count];
        for (var b = 0; b < bands.Count; b++) w0[(1 + b) * bands.Count + b] = 1;
        var hidden = g.Unary("SecondStageBoxPredictor_1/Conv/Relu", "Relu",
            g.Conv("SecondStageBoxPredictor_1/Conv", resized, w0, 1, 1, fch, bands.Count, new float[bands.Count]));
        var w1 = new float[bands.Count * nc];
        var b1 = Enumerable.Repeat(-12f, nc).ToArray();
        for (var b = 0; b < bands.Count; b++) w1[b * nc + bands[b]] = 24;
        var logits = g.Conv("SecondStageBoxPredictor_1/Conv_1", hidden, w1, 1, 1, bands.Count, nc, b1);
        var perm = g.Const("SecondStageBoxPredictor_1/transpose/perm", TensorProto.IntList(0, 3, 1, 2));
        var transposed = g.Add("SecondStageBoxPredictor_1/transpose", "Transpose", [logits, perm],
            ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("Tperm", AttrValue.Of(TensorDataType.DT_INT32)));
        g.Unary("detection_masks", "Sigmoid", transposed);
    }
}
