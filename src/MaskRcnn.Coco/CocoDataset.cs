using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace MaskRcnn.Coco;

/// <summary>
/// A COCO ground-truth file (<c>instances_*.json</c>): images, categories and annotations. Immutable.
/// Other top-level sections (<c>info</c>, <c>licenses</c>, ...) are skipped when reading.
/// </summary>
public sealed class CocoDataset
{
    private readonly Dictionary<long, CocoImage> _imagesById;
    private readonly Dictionary<long, CocoCategory> _categoriesById;

    /// <summary>Creates a dataset from its parts.</summary>
    /// <param name="images">The images; ids must be unique.</param>
    /// <param name="categories">The categories; ids must be unique.</param>
    /// <param name="annotations">The annotations, in file order; ids must be unique.</param>
    /// <exception cref="ArgumentNullException">An argument or item is null.</exception>
    /// <exception cref="ArgumentException">
    /// An image, category or annotation id occurs twice (pycocotools would silently keep only the last annotation of
    /// an id, in every place the id occurs).
    /// </exception>
    public CocoDataset(IEnumerable<CocoImage> images, IEnumerable<CocoCategory> categories, IEnumerable<CocoAnnotation> annotations)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(annotations);
        var imageList = images.ToList();
        var categoryList = categories.ToList();
        var annotationList = annotations.ToList();
        _imagesById = new Dictionary<long, CocoImage>(imageList.Count);
        foreach (var image in imageList)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            if (!_imagesById.TryAdd(image.Id, image))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Image id {image.Id} occurs twice."), nameof(images));
            }
        }

        _categoriesById = new Dictionary<long, CocoCategory>(categoryList.Count);
        foreach (var category in categoryList)
        {
            ArgumentNullException.ThrowIfNull(category, nameof(categories));
            if (!_categoriesById.TryAdd(category.Id, category))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Category id {category.Id} occurs twice."), nameof(categories));
            }
        }

        var annotationIds = new HashSet<long>(annotationList.Count);
        foreach (var annotation in annotationList)
        {
            ArgumentNullException.ThrowIfNull(annotation, nameof(annotations));
            if (!annotationIds.Add(annotation.Id))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Annotation id {annotation.Id} occurs twice."), nameof(annotations));
            }
        }

        Images = imageList.AsReadOnly();
        Categories = categoryList.AsReadOnly();
        Annotations = annotationList.AsReadOnly();
    }

    /// <summary>Gets the images in file order.</summary>
    public ReadOnlyCollection<CocoImage> Images { get; }

    /// <summary>Gets the categories in file order.</summary>
    public ReadOnlyCollection<CocoCategory> Categories { get; }

    /// <summary>Gets the annotations in file order.</summary>
    public ReadOnlyCollection<CocoAnnotation> Annotations { get; }

    /// <summary>Finds an image by id.</summary>
    /// <param name="id">The image id.</param>
    /// <param name="image">The image, when found.</param>
    /// <returns>Whether the image exists.</returns>
    public bool TryGetImage(long id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CocoImage? image) => _imagesById.TryGetValue(id, out image);

    /// <summary>Finds a category by id.</summary>
    /// <param name="id">The category id.</param>
    /// <param name="category">The category, when found.</param>
    /// <returns>Whether the category exists.</returns>
    public bool TryGetCategory(long id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CocoCategory? category) => _categoriesById.TryGetValue(id, out category);

    /// <summary>Reads a COCO ground-truth file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FormatException">The file is not valid COCO JSON; the message says where.</exception>
    public static CocoDataset Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Load(stream);
    }

    /// <summary>
    /// Reads a COCO ground-truth file from a stream, one annotation at a time (the whole document is never held as
    /// text or as a JSON tree).
    /// </summary>
    /// <remarks>
    /// An annotation without <c>area</c> gets the area of its segmentation (or of its box); one without
    /// <c>iscrowd</c> is not a crowd region. Both are required by pycocotools, which fails without them.
    /// </remarks>
    /// <param name="stream">The stream; left open.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FormatException">The data is not valid COCO JSON; the message says where.</exception>
    public static CocoDataset Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var images = new List<CocoImage>();
        var categories = new List<CocoCategory>();
        var annotations = new List<CocoAnnotation>();
        var missingArea = new List<int>();
        using (var reader = new JsonStreamReader(stream, leaveOpen: true))
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("A COCO file must be a JSON object with 'images', 'annotations' and 'categories'.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.StringValue!;
                switch (name)
                {
                    case "images":
                        ReadArray(reader, name, (element, index) => images.Add(ReadImage(element, index)));
                        break;
                    case "categories":
                        ReadArray(reader, name, (element, index) => categories.Add(ReadCategory(element, index)));
                        break;
                    case "annotations":
                        ReadArray(reader, name, (element, index) =>
                        {
                            var annotation = ReadAnnotation(element, index, out bool hasArea);
                            if (!hasArea)
                            {
                                missingArea.Add(annotations.Count);
                            }

                            annotations.Add(annotation);
                        });
                        break;
                    default:
                        reader.SkipValue();
                        break;
                }
            }
        }

        if (missingArea.Count > 0)
        {
            var sizes = new Dictionary<long, CocoImage>();
            foreach (var image in images)
            {
                sizes.TryAdd(image.Id, image);
            }

            foreach (int index in missingArea)
            {
                var annotation = annotations[index];
                annotations[index] = annotation with { Area = EstimateArea(annotation, sizes) };
            }
        }

        try
        {
            return new CocoDataset(images, categories, annotations);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>Writes the dataset as COCO JSON (<c>images</c>, <c>annotations</c>, <c>categories</c>).</summary>
    /// <param name="path">The file to create or overwrite.</param>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Save(stream);
    }

    /// <summary>Writes the dataset as COCO JSON to a stream, streaming as it goes.</summary>
    /// <param name="stream">The stream; left open.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new CocoDatasetWriter(stream, leaveOpen: true);
        foreach (var image in Images) writer.WriteImage(image);
        foreach (var annotation in Annotations) writer.WriteAnnotation(annotation);
        foreach (var category in Categories) writer.WriteCategory(category);
    }

    private static void ReadArray(JsonStreamReader reader, string name, Action<JsonElement, int> handle)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException($"'{name}' must be a list.");
        }

        int index = 0;
        while (true)
        {
            using var document = reader.ReadArrayItem();
            if (document is null)
            {
                return;
            }

            handle(document.RootElement, index++);
        }
    }

    private static CocoImage ReadImage(JsonElement element, int index)
    {
        string context = string.Create(CultureInfo.InvariantCulture, $"images[{index}]");
        CocoJson.RequireObject(element, context);
        long id = CocoJson.GetId(element, "id", context);
        int width = CocoJson.ToInt32(CocoJson.Require(element, "width", context), $"{context}: 'width'");
        int height = CocoJson.ToInt32(CocoJson.Require(element, "height", context), $"{context}: 'height'");
        if (width < 0 || height < 0)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{context}: size {width}x{height} is negative."));
        }

        return new CocoImage(id, width, height, CocoJson.GetString(element, "file_name"));
    }

    private static CocoCategory ReadCategory(JsonElement element, int index)
    {
        string context = string.Create(CultureInfo.InvariantCulture, $"categories[{index}]");
        CocoJson.RequireObject(element, context);
        long id = CocoJson.GetId(element, "id", context);
        string? supercategory = CocoJson.TryGet(element, "supercategory", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new CocoCategory(id, CocoJson.GetString(element, "name"), supercategory);
    }

    private static CocoAnnotation ReadAnnotation(JsonElement element, int index, out bool hasArea)
    {
        string context = string.Create(CultureInfo.InvariantCulture, $"annotations[{index}]");
        CocoJson.RequireObject(element, context);
        long id = CocoJson.GetId(element, "id", context);
        context = string.Create(CultureInfo.InvariantCulture, $"annotations[{index}] (id {id})");
        long imageId = CocoJson.GetId(element, "image_id", context);
        long categoryId = CocoJson.GetId(element, "category_id", context);
        var segmentation = CocoJson.ReadSegmentation(element, context);
        var box = CocoJson.ReadBox(element, context);
        hasArea = CocoJson.TryGet(element, "area", out var areaElement);
        double area = hasArea ? CocoJson.ToDouble(areaElement, $"{context}: 'area'") : 0;
        bool crowd = CocoJson.TryGet(element, "iscrowd", out var crowdElement) && CocoJson.ToBool(crowdElement, $"{context}: 'iscrowd'");
        return new CocoAnnotation(id, imageId, categoryId, segmentation, area, box, crowd);
    }

    private static double EstimateArea(CocoAnnotation annotation, Dictionary<long, CocoImage> images)
    {
        if (annotation.Segmentation is { } segmentation)
        {
            if (segmentation.Rle is { } rle)
            {
                return rle.Area();
            }

            if (images.TryGetValue(annotation.ImageId, out var image))
            {
                try
                {
                    return segmentation.ToRle(image.Height, image.Width).Area();
                }
                catch (ArgumentException ex)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Annotation {annotation.Id}: invalid polygon: {ex.Message}"), ex);
                }
            }
        }

        return annotation.Bbox?.Area ?? 0;
    }
}
