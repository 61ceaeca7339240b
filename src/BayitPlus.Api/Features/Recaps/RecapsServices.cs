using BayitPlus.Api.Infrastructure;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>Catch-up recaps of live channels: their settings (a bad value stops the start-up naming
/// it), transcript ingestion and the summarizers.</summary>
public sealed class RecapsServices : ISliceServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RecapsSettings.Section).Get<RecapsSettings>() ?? new RecapsSettings();
        Check(settings);
        services.AddSingleton(settings);
    }

    private static void Check(RecapsSettings settings)
    {
        Require(settings.IngestKeys.All(key => key.Length >= 32), "Recaps:IngestKeys must each be at least 32 characters long.");
        Require(settings.TranscriptRetention >= TimeSpan.FromMinutes(30), "Recaps:TranscriptRetention must be at least 00:30:00 (a recap reads up to 30 minutes back).");
        Require(settings.MinTranscriptSeconds >= 1, "Recaps:MinTranscriptSeconds must be at least 1.");
        Require(settings.RecapLifetime >= TimeSpan.FromSeconds(1), "Recaps:RecapLifetime must be at least 00:00:01.");
        Require(settings.Timeout >= TimeSpan.FromSeconds(1), "Recaps:Timeout must be at least 00:00:01.");
        Require(settings.MaxPromptCharacters >= 1_000, "Recaps:MaxPromptCharacters must be at least 1000.");
        Require(settings.MaxSegmentsPerRequest is >= 1 and <= 1_000, "Recaps:MaxSegmentsPerRequest must be between 1 and 1000.");
        Require(settings.MaxSegmentCharacters is >= 100 and <= 10_000, "Recaps:MaxSegmentCharacters must be between 100 and 10000.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message);
        }
    }
}
