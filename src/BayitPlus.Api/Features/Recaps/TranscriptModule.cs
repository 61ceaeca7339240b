using BayitPlus.Api.Infrastructure.Http;
using Carter;

namespace BayitPlus.Api.Features.Recaps;

/// <summary>Transcript ingestion: <c>/api/live/channels/{channelId}/transcript</c>, for captioning
/// services (an API key) and admins.</summary>
public sealed class TranscriptModule : ICarterModule
{
    public const string Tag = "Live transcripts";

    public static readonly ApiKeyOrAdmin IngestKey = new(
        "TranscriptIngestKey",
        IngestKeyRequirement.Header,
        "A captioning service's key: one of the keys set in Recaps:IngestKeys (each at least 32 characters, from a secret store), compared in constant time.");

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var transcript = app.MapGroup("/api/live/channels/{channelId}").WithTags(Tag)
            .RequireAuthorization(IngestKeyRequirement.Policy)
            .AcceptsApiKeyOrAdmin(IngestKey);
        IngestTranscript.Map(transcript);
    }
}
