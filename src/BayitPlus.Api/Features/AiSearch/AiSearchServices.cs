using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.AI;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.AI;
using OpenAI;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>AI search: its settings (a bad value stops the start-up naming it), the embedding
/// generators (OpenAI when configured, the local model always), the indexer and the searches.</summary>
public sealed class AiSearchServices : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(AiSearchSettings.Section).Get<AiSearchSettings>() ?? new AiSearchSettings();
        Check(settings);
        services.AddSingleton(settings);
        var openAi = services.AddOpenAi(configuration);
        services.AddOpenApiTag("AI search", "Semantic search of the catalog for Beta 500 members, and items like a given one.");
        services.AddOpenApiTag("Admin: AI search", "Admins watch the embedding indexer and ask it to embed the catalog again.");
        services.AddSingleton<LocalEmbeddingGenerator>();
        if (openAi.IsConfigured)
        {
            services.AddSingleton(provider => provider.GetRequiredService<OpenAIClient>()
                .GetEmbeddingClient(openAi.EmbeddingModel)
                .AsIEmbeddingGenerator(openAi.EmbeddingDimensions)
                .AsBuilder()
                .UseOpenTelemetry(sourceName: BayitPlusTelemetry.Name)
                .Build());
        }

        services.AddSingleton<Embedders>();
        services.AddSingleton<SearchModel>();
        services.AddSingleton<VectorIndex>();
        services.AddSingleton<EmbeddingIndexer>();
        services.AddHostedService(provider => provider.GetRequiredService<EmbeddingIndexer>());
        services.AddSingleton<IndexerStatus>();
        services.AddSingleton<AiRetrieval>();
    }

    private static void Check(AiSearchSettings settings)
    {
        Require(settings.BatchSize is >= 1 and <= 2048, "AiSearch:BatchSize must be between 1 and 2048.");
        Require(settings.ChangeDelay >= TimeSpan.Zero, "AiSearch:ChangeDelay must not be negative.");
        Require(settings.CatchUpInterval >= TimeSpan.FromSeconds(1), "AiSearch:CatchUpInterval must be at least 00:00:01.");
        Require(settings.LeaseDuration >= TimeSpan.FromSeconds(5), "AiSearch:LeaseDuration must be at least 00:00:05.");
        Require(settings.CandidatesPerResult is >= 1 and <= 100, "AiSearch:CandidatesPerResult must be between 1 and 100.");
        Require(settings.FusionK >= 1, "AiSearch:FusionK must be at least 1.");
        Require(settings.KeywordWeight is > 0 and <= 100 && settings.VectorWeight is > 0 and <= 100, "AiSearch:KeywordWeight and AiSearch:VectorWeight must be above 0 and at most 100.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message);
        }
    }
}
