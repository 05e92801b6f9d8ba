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
/// convolutions measures, for each cell, how many occupied cells run left, right, up and down from it (the erosion
/// fronts are re-quantised at every step, so the counts stay exact over long runs); a second chain spreads the largest
/// row + column run over each object. The cells that reach that largest value (for rectangles, ellipses and other
/// convex shapes: the cells whose row and column both span the object) propose the box spanned by their runs, encoded
/// against a 16x16 anchor (the log of the size is exact at whole cells through a sum of ramps); they all propose the
/// same box, which the first stage's NMS merges. Other object cells, and partly covered cells at an object's rim, get
/// an objectness of exactly zero, so each object yields one proposal; empty background cells fill the remaining slots
/// with near-zero objectness.</item>
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
        var tower = options.RealisticForwardCost ? CostTower.Append(g, pre, k + 1) : null;
        var rpn = ProposalGrid(g, features, tower, k, options.MaxObjectCells);
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

    private static string ProposalGrid(GraphBuilder g, string features, string? tower, int bandCount, int maxCells)
    {
        var fch = bandCount + 1;
        var pooled = g.Pool("Grid/AvgPool", "AvgPool", features, Cell, Cell, "SAME");
        if (tower is not null)
            pooled = g.Add("Grid/AddCostTower", "Add", [pooled, tower], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)));

        // Occupied when at least half of the cell is object: a very steep ramp around 0.5.
        var wOcc = new float[fch];
        wOcc[0] = 1000f;
        var occ6 = g.Unary("Grid/Occupancy/Relu6", "Relu6", g.Conv("Grid/Occupancy", pooled, wOcc, 1, 1, fch, 1, [-500f + 3f]));

        // Reach: 6 when at least a quarter of the cell is object, else 0. The object maximum spreads over these cells,
        // so it also covers cells whose occupancy is fractional (about half covered), yet cannot cross the empty cell
        // between two objects even when resizing blurs an object's edge a pixel into it.
        var wReach = new float[fch];
        wReach[0] = 1000f;
        var reach6 = g.Unary("Grid/Reach/Relu6", "Relu6", g.Conv("Grid/Reach", pooled, wReach, 1, 1, fch, 1, [-250f + 3f]));

        // Touched: 6 when the cell holds any object pixel (at least 1/256 of it), else exactly 0.
        var wTouch = new float[fch];
        wTouch[0] = 3072f;
        var touched6 = g.Unary("Grid/Touched/Relu6", "Relu6", g.Conv("Grid/Touched", pooled, wTouch, 1, 1, fch, 1, [-3f]));

        // State: occupancy (0 or 1), four erosion fronts (0 or 6) and four running sums (6/256 per cell of run).
        var wInit = new float[StateCh];
        wInit[Oc] = 1f / 6f;
        for (var c = EL; c <= ED; c++) wInit[c] = 1f;
        var state = g.Conv("Grid/Init", occ6, wInit, 1, 1, 1, StateCh, new float[StateCh]);

        // One step: e' = relu6(2 e(c) + 2 e(neighbour) - 15) moves each front one cell on; s' = s + e / 256.
        // Both fronts 6 give 9, saturated to exactly 6, and one front 0 gives at most -3, exactly 0: the fronts are
        // re-quantised at every step, so float error cannot build up along a long run. (A plain
        // relu(e + e(neighbour) - 1) doubles any error in e per step and, past about 20 cells, the runs drift by whole
        // cells.) The sums stay below 6 for runs up to 256 cells, so the Relu6 never clips them.
        var wStep = new float[3 * 3 * StateCh * StateCh];
        void Tap(int dy, int dx, int ci, int co, float v) => wStep[(((dy + 1) * 3 + (dx + 1)) * StateCh + ci) * StateCh + co] += v;
        Tap(0, 0, Oc, Oc, 1);
        (int Ch, int Dy, int Dx)[] fronts = [(EL, 0, -1), (ER, 0, 1), (EU, -1, 0), (ED, 1, 0)];
        foreach (var (ch, dy, dx) in fronts)
        {
            Tap(0, 0, ch, ch, 2);
            Tap(dy, dx, ch, ch, 2);
            var sum = ch + 4;
            Tap(0, 0, sum, sum, 1);
            Tap(0, 0, ch, sum, 1f / 256f);
        }
        var bStep = new float[StateCh];
        for (var c = EL; c <= ED; c++) bStep[c] = -15f;
        for (var i = 1; i <= maxCells; i++)
            state = g.Unary($"Grid/Run_{i}/Relu6", "Relu6", g.Conv($"Grid/Run_{i}", state, wStep, 3, 3, StateCh, StateCh, bStep));

        // Summary: v = width + height of the object through the cell (0 off objects), then the largest v of the object.
        const int sumCh = 6;
        const float cells = 256f / 6f;
        var wSum = new float[StateCh * sumCh];
        foreach (var s in new[] { SL, SR, SU, SD }) wSum[s * sumCh + 0] = cells;
        wSum[Oc * sumCh + 0] = -2;
        wSum[Oc * sumCh + 1] = 1;
        wSum[SL * sumCh + 2] = cells;
        wSum[SR * sumCh + 3] = cells;
        wSum[SU * sumCh + 4] = cells;
        wSum[SD * sumCh + 5] = cells;
        var summary = g.Conv("Grid/Summary", state, wSum, 1, 1, StateCh, sumCh, new float[sumCh]);
        var objectMax = ObjectMaximum(g, summary, reach6, sumCh, maxCells);
        var axis = g.Const("Grid/concat/axis", TensorProto.IntScalar(3));
        return g.Add("Grid/concat", "ConcatV2", [summary, objectMax, touched6, axis],
            ("N", AttrValue.Of(3L)), ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("Tidx", AttrValue.Of(TensorDataType.DT_INT32)));
    }

    // The largest v over each object, on every cell of it (0 off objects). Each step takes the 3x3 maximum and then
    // multiplies by a mask that is 1 on cells at least a quarter object and 0 elsewhere, so the maximum spreads one cell
    // per step through an object but never across the empty cell that separates two objects (not even when resizing
    // blurs an edge a pixel into it).
    // A 3x3 maximum alone is not enough: an ellipse's end cells, whose row is shorter than the middle rows, can be the
    // largest within their own window and would propose a second, narrower box (or replace the right one in the first
    // stage's NMS). The mask also covers cells whose occupancy is fractional (about half covered): left out, such a cell
    // would keep a maximum of 0, below its own v, and propose a box of its own.
    private static string ObjectMaximum(GraphBuilder g, string summary, string reach6, int sumCh, int maxCells)
    {
        var pickV = new float[sumCh];
        pickV[0] = 1;
        var max = g.Conv("Grid/ObjectMax/v", summary, pickV, 1, 1, sumCh, 1, [0f]);
        // 6 * (1/6) rounds to exactly 1 in float, so the mask is exactly 0 or 1 and the products are exact.
        var mask = g.Conv("Grid/ObjectMax/mask", reach6, [1f / 6f], 1, 1, 1, 1, [0f]);
        for (var i = 1; i <= maxCells; i++)
        {
            var pooled = g.Pool($"Grid/ObjectMax/Step_{i}/MaxPool", "MaxPool", max, 3, 1, "SAME");
            max = g.Add($"Grid/ObjectMax/Step_{i}/mul", "Mul", [pooled, mask], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)));
        }
        return max;
    }

    private static string FirstStage(GraphBuilder g, string grid, SyntheticModelOptions options)
    {
        // Inputs (8 channels): [v, oc, sL, sR, sU, sD], the largest v of the object, and 6 * touched.
        const int inCh = 8, V = 0, O = 1, L = 2, R = 3, U = 4, D = 5, MaxV = 6, Touched = 7;
        const float scale = 20f;
        var knots = 2 * options.MaxObjectCells - 2;
        var partial = 6 + 2 * knots;
        var outCh = partial + 1;
        var w = new float[inCh * outCh];
        var b = new float[outCh];
        void W(int ci, int co, float v) => w[ci * outCh + co] += v;
        // ch0: 1 where an object cell reaches its object's largest v, else 0 (values are whole numbers).
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
        // Last channel: 1 on a cell that holds object pixels but is not occupied (the rim of a round object).
        W(Touched, partial, 1f / 6f); W(O, partial, -1);
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
        // probability) on the other cells of an object and on the partly covered cells at its rim. Background cells
        // fill the proposals left over; a rim cell among them would be scored by the second stage on the object
        // pixels it holds and could come out as a spurious one-cell detection.
        var wc = new float[outCh * 2];
        wc[0 * 2 + 1] = 210;
        wc[1 * 2 + 1] = -190;
        wc[partial * 2 + 1] = -190;
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
