using OpenCvSharp;

namespace MaskRcnn.Rendering;

/// <summary>Draws detection results onto images: translucent masks, outlines, boxes and captions.</summary>
public static class OverlayRenderer
{
    /// <summary>
    /// A distinct, deterministic colour (BGR) for a colour index: hues step by the golden angle so neighbouring
    /// indices differ strongly.
    /// </summary>
    public static Scalar ColorFor(int index)
    {
        var hue = (index * 137.508) % 360.0;
        return HsvToBgr(hue, 0.85, 0.95);
    }

    /// <summary>Returns a new image (the caller owns it) with the results drawn on a copy of <paramref name="image"/>.</summary>
    public static Mat Render(Mat image, DetectionResult result, OverlayStyle? style = null, Func<Instance, int, int>? colorIndex = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var canvas = image.Clone();
        try
        {
            Draw(canvas, result, style, colorIndex);
            return canvas;
        }
        catch
        {
            canvas.Dispose();
            throw;
        }
    }

    /// <summary>Draws the results onto <paramref name="canvas"/> in place (8-bit BGR, the size of the detected image).</summary>
    /// <param name="canvas">The image to draw on.</param>
    /// <param name="result">What to draw.</param>
    /// <param name="style">How to draw; <see cref="OverlayStyle.Default"/> when null.</param>
    /// <param name="colorIndex">Colour index of each instance (e.g. a track id); the instance's position when null.</param>
    public static unsafe void Draw(Mat canvas, DetectionResult result, OverlayStyle? style = null, Func<Instance, int, int>? colorIndex = null)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(result);
        style = (style ?? OverlayStyle.Default).Validate();
        if (canvas.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"The canvas must be 8-bit BGR (CV_8UC3) but is {canvas.Type()}.", nameof(canvas));
        if (canvas.Width != result.ImageWidth || canvas.Height != result.ImageHeight)
            throw new ArgumentException($"The canvas is {canvas.Width}x{canvas.Height} but the result is for a {result.ImageWidth}x{result.ImageHeight} image.", nameof(canvas));

        var shortSide = Math.Min(canvas.Width, canvas.Height);
        var thickness = style.LineThickness > 0 ? style.LineThickness : Math.Max(1, (int)Math.Round(shortSide / 400.0));
        var fontScale = style.FontScale > 0 ? style.FontScale : Math.Max(0.4, shortSide / 1000.0);
        var colors = result.Instances.Select((inst, i) => ColorFor(colorIndex?.Invoke(inst, i) ?? i)).ToArray();

        if (style.DrawMasks && style.MaskOpacity > 0)
        {
            var alpha = style.MaskOpacity;
            var step = canvas.Step();
            var basePtr = (byte*)canvas.Data;
            for (var n = 0; n < result.Instances.Count; n++)
            {
                var inst = result.Instances[n];
                var c = colors[n];
                var mask = inst.BoxMask;
                var (b, g, r) = ((float)(c.Val0 * alpha), (float)(c.Val1 * alpha), (float)(c.Val2 * alpha));
                var keep = (float)(1 - alpha);
                for (var y = 0; y < inst.Box.Height; y++)
                {
                    var row = basePtr + (long)(inst.Box.Y + y) * step + inst.Box.X * 3;
                    var mrow = mask.Slice(y * inst.Box.Width, inst.Box.Width);
                    for (var x = 0; x < mrow.Length; x++)
                    {
                        if (mrow[x] == 0) continue;
                        var p = row + x * 3;
                        p[0] = (byte)(p[0] * keep + b + 0.5f);
                        p[1] = (byte)(p[1] * keep + g + 0.5f);
                        p[2] = (byte)(p[2] * keep + r + 0.5f);
                    }
                }
            }
            GC.KeepAlive(canvas);
        }

        for (var n = 0; n < result.Instances.Count; n++)
        {
            var inst = result.Instances[n];
            if (style.DrawOutlines && inst.Area > 0)
                Cv2.Polylines(canvas, inst.Polygons(), isClosed: true, colors[n], thickness, LineTypes.Link8);
            if (style.DrawBoxes)
                Cv2.Rectangle(canvas, inst.Box, colors[n], thickness, LineTypes.Link8);
        }
        if (style.DrawCaptions)
        {
            for (var n = 0; n < result.Instances.Count; n++)
                DrawCaption(canvas, result.Instances[n], colors[n], fontScale, thickness);
        }
    }

    private static void DrawCaption(Mat canvas, Instance inst, Scalar color, double fontScale, int thickness)
    {
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{inst.Label} {inst.Score:0.00}");
        var textThickness = Math.Max(1, thickness);
        var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, fontScale, textThickness, out var baseline);
        var pad = Math.Max(2, textThickness * 2);
        var width = size.Width + 2 * pad;
        var height = size.Height + baseline + 2 * pad;
        // Above the box when there is room, else inside its top edge; always within the image.
        var x = Math.Clamp(inst.Box.X, 0, Math.Max(0, canvas.Width - width));
        var y = inst.Box.Y - height >= 0 ? inst.Box.Y - height : Math.Min(inst.Box.Y, Math.Max(0, canvas.Height - height));
        var background = new Rect(x, y, Math.Min(width, canvas.Width), Math.Min(height, canvas.Height));
        Cv2.Rectangle(canvas, background, color, -1, LineTypes.Link8);
        var brightness = 0.114 * color.Val0 + 0.587 * color.Val1 + 0.299 * color.Val2;
        var ink = brightness > 140 ? Scalar.All(0) : Scalar.All(255);
        Cv2.PutText(canvas, text, new Point(x + pad, y + pad + size.Height), HersheyFonts.HersheySimplex, fontScale, ink, textThickness, LineTypes.AntiAlias);
    }

    private static Scalar HsvToBgr(double hue, double saturation, double value)
    {
        var c = value * saturation;
        var h = hue / 60.0;
        var x = c * (1 - Math.Abs(h % 2 - 1));
        var (r, g, b) = h switch
        {
            < 1 => (c, x, 0.0),
            < 2 => (x, c, 0.0),
            < 3 => (0.0, c, x),
            < 4 => (0.0, x, c),
            < 5 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        var m = value - c;
        return new Scalar(Math.Round((b + m) * 255), Math.Round((g + m) * 255), Math.Round((r + m) * 255));
    }
}
