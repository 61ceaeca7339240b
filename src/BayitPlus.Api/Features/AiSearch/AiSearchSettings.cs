namespace BayitPlus.Api.Features.AiSearch;

/// <summary>AI search: the indexer's pace and the retrieval's sizes. The embedding model is not
/// chosen here: the local model runs unless <c>AI:OpenAI:ApiKey</c> is set.</summary>
public sealed class AiSearchSettings
{
    public const string Section = "AiSearch";

    /// <summary>Items embedded per call to the model.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>How long the indexer gathers changes from the change stream before embedding them.</summary>
    public TimeSpan ChangeDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the whole catalog is compared with the embeddings, for changes the stream
    /// missed (while no instance was running, or across a break of the stream).</summary>
    public TimeSpan CatchUpInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one instance's claim to run the indexer lasts without being renewed.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Nearest-neighbour candidates examined per result asked for (<c>numCandidates</c> =
    /// this × the results wanted, at most 10,000).</summary>
    public int CandidatesPerResult { get; init; } = 20;

    /// <summary>The constant k of reciprocal rank fusion: a result at rank r scores 1 / (k + r).</summary>
    public int FusionK { get; init; } = 60;

    /// <summary>The weight of the text ranking in the fusion. Below the vector ranking's: a query
    /// that is a title is served first anyway, and the words of a described query ("a documentary
    /// about ...") match many items' texts, whose text ranks would otherwise crowd out the meaning.</summary>
    public double KeywordWeight { get; init; } = 0.5;

    /// <summary>The weight of the vector ranking in the fusion.</summary>
    public double VectorWeight { get; init; } = 1;
}
