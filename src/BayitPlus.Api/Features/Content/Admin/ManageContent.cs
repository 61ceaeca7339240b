using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using Carter;
using FluentValidation;
using Mapster;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Admin management of VOD content: <c>/api/admin/content</c>.</summary>
public sealed class AdminContentModule : ICarterModule
{
    public const string Prefix = "/api/admin/content";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup(Prefix, "Admin: Content");
        CreateContent.Map(group);
        GetContentForAdmin.Map(group);
        ReplaceContent.Map(group);
        PatchContent.Map(group);
        DeleteContent.Map(group);
    }
}

public sealed class ContentAdminMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<ContentFields, ContentDocument>();
        config.NewConfig<ContentDocument, ContentFields>();
        config.NewConfig<ContentDocument, ContentAdminView>();
    }
}

public static class CreateContent
{
    public sealed record Command(JsonObject Body) : ICommand<ContentAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("content.created", "content", ContentDocument.CollectionName, null);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<ContentFields> validator, IMapper mapper) : ICommandHandler<Command, ContentAdminView>
    {
        public async ValueTask<ContentAdminView> Handle(Command command, CancellationToken cancellationToken)
        {
            var created = await store.CreateAsync(ContentFields.Resource, command.Body, validator, (fields, now) =>
            {
                var content = mapper.Map<ContentDocument>(fields);
                content.ViewCount = 0;
                content.CreatedAt = now;
                content.UpdatedAt = now;
                return content;
            }, cancellationToken);
            return mapper.Map<ContentAdminView>(created);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/", async (JsonObject body, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(new Command(body), ct);
            return TypedResults.Created($"{AdminContentModule.Prefix}/{created.Id}", created);
        })
        .WithName("CreateContent")
        .WithSummary("Add a content item to the catalog")
        .Accepts<ContentFields>("application/json")
        .ProducesAdminProblems(byId: false)
        .ProducesWriteProblems();
}

public static class GetContentForAdmin
{
    public sealed record Query(string Id) : IQuery<ContentAdminView>;

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : IQueryHandler<Query, ContentAdminView>
    {
        public async ValueTask<ContentAdminView> Handle(Query query, CancellationToken cancellationToken) =>
            mapper.Map<ContentAdminView>(await store.GetAsync(ContentFields.Resource, query.Id, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetContentForAdmin")
        .WithSummary("One content item with every stored field")
        .ProducesAdminProblems();
}

public static class ReplaceContent
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<ContentAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("content.replaced", "content", ContentDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<ContentFields> validator, IMapper mapper) : ICommandHandler<Command, ContentAdminView>
    {
        public async ValueTask<ContentAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<ContentAdminView>(await store.ReplaceAsync(ContentFields.Resource, command.Id, command.Body, validator, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPut("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("ReplaceContent")
        .WithSummary("Replace every editable field of a content item (fields left out are cleared)")
        .Accepts<ContentFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class PatchContent
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<ContentAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("content.patched", "content", ContentDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<ContentFields> validator, IMapper mapper) : ICommandHandler<Command, ContentAdminView>
    {
        public async ValueTask<ContentAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<ContentAdminView>(await store.PatchAsync(
                ContentFields.Resource, command.Id, command.Body, validator, mapper.Map<ContentFields>, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPatch("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("PatchContent")
        .WithSummary("Change only the fields sent (null clears a field)")
        .Accepts<ContentFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class DeleteContent
{
    public sealed record Command(string Id) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("content.deleted", "content", ContentDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await store.DeleteAsync(ContentFields.Resource, command.Id, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/{id}", async (string id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(id), ct);
            return TypedResults.NoContent();
        })
        .WithName("DeleteContent")
        .WithSummary("Remove a content item from the catalog")
        .ProducesAdminProblems();
}
