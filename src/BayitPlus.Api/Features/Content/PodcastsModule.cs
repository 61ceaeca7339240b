using Carter;

namespace BayitPlus.Api.Features.Content;

/// <summary>Podcast shows and their episodes: <c>/api/podcasts</c>. Public reads, output-cached
/// for anonymous callers.</summary>
public sealed class PodcastsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/podcasts").WithTags("Podcasts");
        ListPodcasts.Map(group);
        GetPodcast.Map(group);
        ListPodcastEpisodes.Map(group);
        GetPodcastEpisode.Map(group);
    }
}
