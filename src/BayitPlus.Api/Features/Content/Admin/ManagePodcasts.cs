using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Carter;
using FluentValidation;
using Mapster;
using MapsterMapper;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Admin management of podcast shows and their RSS sync: <c>/api/admin/podcasts</c>.</summary>
public sealed class AdminPodcastsModule : ICarterModule
{
    public const string Prefix = "/api/admin/podcasts";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup(Prefix, "Admin: Podcasts");
        CreatePodcast.Map(group);
        GetPodcastForAdmin.Map(group);
        ReplacePodcast.Map(group);
        PatchPodcast.Map(group);
        DeletePodcast.Map(group);
        SyncPodcast.Map(group);
    }
}

public sealed class PodcastAdminMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<PodcastFields, PodcastDocument>();
        config.NewConfig<PodcastDocument, PodcastFields>();
        config.NewConfig<PodcastDocument, PodcastAdminView>();
    }
}

public static class CreatePodcast
{
    public sealed record Command(JsonObject Body) : ICommand<PodcastAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("podcast.created", "podcast", PodcastDocument.CollectionName, null);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<PodcastFields> validator, IMapper mapper) : ICommandHandler<Command, PodcastAdminView>
    {
        public async ValueTask<PodcastAdminView> Handle(Command command, CancellationToken cancellationToken)
        {
            var created = await store.CreateAsync(PodcastFields.Resource, command.Body, validator, (fields, now) =>
            {
                var podcast = mapper.Map<PodcastDocument>(fields);
                podcast.EpisodeCount = 0;
                podcast.CreatedAt = now;
                podcast.UpdatedAt = now;
                return podcast;
            }, cancellationToken);
            return mapper.Map<PodcastAdminView>(created);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/", async (JsonObject body, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(new Command(body), ct);
            return TypedResults.Created($"{AdminPodcastsModule.Prefix}/{created.Id}", created);
        })
        .WithName("CreatePodcast")
        .WithSummary("Add a podcast show (its episodes come from the RSS sync)")
        .Accepts<PodcastFields>("application/json")
        .ProducesAdminProblems(byId: false)
        .ProducesWriteProblems();
}

public static class GetPodcastForAdmin
{
    public sealed record Query(string Id) : IQuery<PodcastAdminView>;

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : IQueryHandler<Query, PodcastAdminView>
    {
        public async ValueTask<PodcastAdminView> Handle(Query query, CancellationToken cancellationToken) =>
            mapper.Map<PodcastAdminView>(await store.GetAsync(PodcastFields.Resource, query.Id, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetPodcastForAdmin")
        .WithSummary("One podcast show with every stored field")
        .ProducesAdminProblems();
}

public static class ReplacePodcast
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<PodcastAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("podcast.replaced", "podcast", PodcastDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<PodcastFields> validator, IMapper mapper) : ICommandHandler<Command, PodcastAdminView>
    {
        public async ValueTask<PodcastAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<PodcastAdminView>(await store.ReplaceAsync(PodcastFields.Resource, command.Id, command.Body, validator, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPut("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("ReplacePodcast")
        .WithSummary("Replace every editable field of a podcast show (fields left out are cleared)")
        .Accepts<PodcastFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class PatchPodcast
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<PodcastAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("podcast.patched", "podcast", PodcastDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<PodcastFields> validator, IMapper mapper) : ICommandHandler<Command, PodcastAdminView>
    {
        public async ValueTask<PodcastAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<PodcastAdminView>(await store.PatchAsync(
                PodcastFields.Resource, command.Id, command.Body, validator, mapper.Map<PodcastFields>, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPatch("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("PatchPodcast")
        .WithSummary("Change only the fields sent (null clears a field)")
        .Accepts<PodcastFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class DeletePodcast
{
    public sealed record Command(string Id) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("podcast.deleted", "podcast", PodcastDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, MongoContext db) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            // Episodes hold the show's id in its canonical (lowercase hex) form.
            var podcastId = Ids.Parse(command.Id, PodcastFields.Resource.Name).ToString();
            await store.DeleteAsync(PodcastFields.Resource, podcastId, cancellationToken, ct =>
                db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName)
                    .DeleteManyAsync(e => e.PodcastId == podcastId, ct));
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/{id}", async (string id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(id), ct);
            return TypedResults.NoContent();
        })
        .WithName("DeletePodcast")
        .WithSummary("Remove a podcast show and all its episodes")
        .ProducesAdminProblems();
}
