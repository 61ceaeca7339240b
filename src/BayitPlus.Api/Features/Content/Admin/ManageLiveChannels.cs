using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using Carter;
using FluentValidation;
using Mapster;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Admin management of live TV channels: <c>/api/admin/live/channels</c>.</summary>
public sealed class AdminLiveChannelsModule : ICarterModule
{
    public const string Prefix = "/api/admin/live/channels";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup(Prefix, "Admin: Live channels");
        CreateLiveChannel.Map(group);
        GetLiveChannelForAdmin.Map(group);
        ReplaceLiveChannel.Map(group);
        PatchLiveChannel.Map(group);
        DeleteLiveChannel.Map(group);
    }
}

public sealed class LiveChannelAdminMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<LiveChannelFields, LiveChannelDocument>();
        config.NewConfig<LiveChannelDocument, LiveChannelFields>();
        config.NewConfig<LiveChannelDocument, LiveChannelAdminView>();
    }
}

public static class CreateLiveChannel
{
    public sealed record Command(JsonObject Body) : ICommand<LiveChannelAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("live_channel.created", "live_channel", LiveChannelDocument.CollectionName, null);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<LiveChannelFields> validator, IMapper mapper) : ICommandHandler<Command, LiveChannelAdminView>
    {
        public async ValueTask<LiveChannelAdminView> Handle(Command command, CancellationToken cancellationToken)
        {
            var created = await store.CreateAsync(LiveChannelFields.Resource, command.Body, validator, (fields, now) =>
            {
                var channel = mapper.Map<LiveChannelDocument>(fields);
                channel.CreatedAt = now;
                channel.UpdatedAt = now;
                return channel;
            }, cancellationToken);
            return mapper.Map<LiveChannelAdminView>(created);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/", async (JsonObject body, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(new Command(body), ct);
            return TypedResults.Created($"{AdminLiveChannelsModule.Prefix}/{created.Id}", created);
        })
        .WithName("CreateLiveChannel")
        .WithSummary("Add a live TV channel")
        .Accepts<LiveChannelFields>("application/json")
        .ProducesAdminProblems(byId: false)
        .ProducesWriteProblems();
}

public static class GetLiveChannelForAdmin
{
    public sealed record Query(string Id) : IQuery<LiveChannelAdminView>;

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : IQueryHandler<Query, LiveChannelAdminView>
    {
        public async ValueTask<LiveChannelAdminView> Handle(Query query, CancellationToken cancellationToken) =>
            mapper.Map<LiveChannelAdminView>(await store.GetAsync(LiveChannelFields.Resource, query.Id, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetLiveChannelForAdmin")
        .WithSummary("One live channel with every stored field")
        .ProducesAdminProblems();
}

public static class ReplaceLiveChannel
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<LiveChannelAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("live_channel.replaced", "live_channel", LiveChannelDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<LiveChannelFields> validator, IMapper mapper) : ICommandHandler<Command, LiveChannelAdminView>
    {
        public async ValueTask<LiveChannelAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<LiveChannelAdminView>(await store.ReplaceAsync(LiveChannelFields.Resource, command.Id, command.Body, validator, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPut("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("ReplaceLiveChannel")
        .WithSummary("Replace every editable field of a live channel (fields left out are cleared)")
        .Accepts<LiveChannelFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class PatchLiveChannel
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<LiveChannelAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("live_channel.patched", "live_channel", LiveChannelDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<LiveChannelFields> validator, IMapper mapper) : ICommandHandler<Command, LiveChannelAdminView>
    {
        public async ValueTask<LiveChannelAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<LiveChannelAdminView>(await store.PatchAsync(
                LiveChannelFields.Resource, command.Id, command.Body, validator, mapper.Map<LiveChannelFields>, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPatch("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("PatchLiveChannel")
        .WithSummary("Change only the fields sent (null clears a field)")
        .Accepts<LiveChannelFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class DeleteLiveChannel
{
    public sealed record Command(string Id) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("live_channel.deleted", "live_channel", LiveChannelDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await store.DeleteAsync(LiveChannelFields.Resource, command.Id, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/{id}", async (string id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(id), ct);
            return TypedResults.NoContent();
        })
        .WithName("DeleteLiveChannel")
        .WithSummary("Remove a live channel")
        .ProducesAdminProblems();
}
