using BayitPlus.Api.Infrastructure.Audit;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

public static class SyncPodcast
{
    public sealed record Command(string Id) : ICommand<PodcastSyncResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("podcast.synced", "podcast", PodcastDocument.CollectionName, Id);
    }

    public sealed class Handler(PodcastFeedSync sync) : ICommandHandler<Command, PodcastSyncResponse>
    {
        public async ValueTask<PodcastSyncResponse> Handle(Command command, CancellationToken cancellationToken) =>
            await sync.SyncAsync(command.Id, cancellationToken);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/{id}/sync", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id), ct)))
        .WithName("SyncPodcast")
        .WithSummary("Read the show's RSS feed now and upsert its episodes")
        .WithDescription("422 when the feed is refused (non-public address, larger than Content:Rss:MaxFeedBytes, not well-formed XML or not RSS 2.0); 502 when its server cannot be reached, times out or answers an error.")
        .ProducesAdminProblems()
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status502BadGateway);
}
