using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using Carter;
using FluentValidation;
using Mapster;
using MapsterMapper;
using Mediator;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Admin management of internet radio stations: <c>/api/admin/radio/stations</c>.</summary>
public sealed class AdminRadioStationsModule : ICarterModule
{
    public const string Prefix = "/api/admin/radio/stations";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup(Prefix, "Admin: Radio stations");
        CreateRadioStation.Map(group);
        GetRadioStationForAdmin.Map(group);
        ReplaceRadioStation.Map(group);
        PatchRadioStation.Map(group);
        DeleteRadioStation.Map(group);
    }
}

public sealed class RadioStationAdminMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<RadioStationFields, RadioStationDocument>();
        config.NewConfig<RadioStationDocument, RadioStationFields>();
        config.NewConfig<RadioStationDocument, RadioStationAdminView>();
    }
}

public static class CreateRadioStation
{
    public sealed record Command(JsonObject Body) : ICommand<RadioStationAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("radio_station.created", "radio_station", RadioStationDocument.CollectionName, null);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<RadioStationFields> validator, IMapper mapper) : ICommandHandler<Command, RadioStationAdminView>
    {
        public async ValueTask<RadioStationAdminView> Handle(Command command, CancellationToken cancellationToken)
        {
            var created = await store.CreateAsync(RadioStationFields.Resource, command.Body, validator, (fields, now) =>
            {
                var station = mapper.Map<RadioStationDocument>(fields);
                station.CreatedAt = now;
                station.UpdatedAt = now;
                return station;
            }, cancellationToken);
            return mapper.Map<RadioStationAdminView>(created);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/", async (JsonObject body, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(new Command(body), ct);
            return TypedResults.Created($"{AdminRadioStationsModule.Prefix}/{created.Id}", created);
        })
        .WithName("CreateRadioStation")
        .WithSummary("Add an internet radio station")
        .Accepts<RadioStationFields>("application/json")
        .ProducesAdminProblems(byId: false)
        .ProducesWriteProblems();
}

public static class GetRadioStationForAdmin
{
    public sealed record Query(string Id) : IQuery<RadioStationAdminView>;

    public sealed class Handler(CatalogAdminStore store, IMapper mapper) : IQueryHandler<Query, RadioStationAdminView>
    {
        public async ValueTask<RadioStationAdminView> Handle(Query query, CancellationToken cancellationToken) =>
            mapper.Map<RadioStationAdminView>(await store.GetAsync(RadioStationFields.Resource, query.Id, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(id), ct)))
        .WithName("GetRadioStationForAdmin")
        .WithSummary("One radio station with every stored field")
        .ProducesAdminProblems();
}

public static class ReplaceRadioStation
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<RadioStationAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("radio_station.replaced", "radio_station", RadioStationDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<RadioStationFields> validator, IMapper mapper) : ICommandHandler<Command, RadioStationAdminView>
    {
        public async ValueTask<RadioStationAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<RadioStationAdminView>(await store.ReplaceAsync(RadioStationFields.Resource, command.Id, command.Body, validator, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPut("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("ReplaceRadioStation")
        .WithSummary("Replace every editable field of a radio station (fields left out are cleared)")
        .Accepts<RadioStationFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class PatchRadioStation
{
    public sealed record Command(string Id, JsonObject Body) : ICommand<RadioStationAdminView>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("radio_station.patched", "radio_station", RadioStationDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store, IValidator<RadioStationFields> validator, IMapper mapper) : ICommandHandler<Command, RadioStationAdminView>
    {
        public async ValueTask<RadioStationAdminView> Handle(Command command, CancellationToken cancellationToken) =>
            mapper.Map<RadioStationAdminView>(await store.PatchAsync(
                RadioStationFields.Resource, command.Id, command.Body, validator, mapper.Map<RadioStationFields>, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPatch("/{id}", async (string id, JsonObject body, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Command(id, body), ct)))
        .WithName("PatchRadioStation")
        .WithSummary("Change only the fields sent (null clears a field)")
        .Accepts<RadioStationFields>("application/json")
        .ProducesAdminProblems()
        .ProducesWriteProblems();
}

public static class DeleteRadioStation
{
    public sealed record Command(string Id) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("radio_station.deleted", "radio_station", RadioStationDocument.CollectionName, Id);
    }

    public sealed class Handler(CatalogAdminStore store) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await store.DeleteAsync(RadioStationFields.Resource, command.Id, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/{id}", async (string id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(id), ct);
            return TypedResults.NoContent();
        })
        .WithName("DeleteRadioStation")
        .WithSummary("Remove a radio station")
        .ProducesAdminProblems();
}
