using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The body of <c>POST /api/beta/sessions</c>.</summary>
[ValidatedAs(typeof(StartMeteredSession.Command))]
public sealed record StartSessionRequest
{
    /// <summary>A per-second feature: <c>live_dubbing</c> or <c>smart_subtitles</c>.</summary>
    public string? Feature { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>A metered session as its member sees it.</summary>
/// <param name="SessionId">The session's id.</param>
/// <param name="Feature">The per-second feature metered.</param>
/// <param name="Status">active or ended.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastCheckpointAt">Charged up to here.</param>
/// <param name="SecondsCharged">Whole seconds charged so far.</param>
/// <param name="CreditsCharged">Credits charged so far.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="EndedReason">ended (by the member), credits_exhausted, membership_ended or timeout.</param>
public sealed record MeteredSessionResponse(
    string SessionId,
    string Feature,
    [property: System.ComponentModel.DataAnnotations.AllowedValues(MeteredSessionStatus.Active, MeteredSessionStatus.Ended)] string Status,
    DateTime StartedAt,
    DateTime LastCheckpointAt,
    int SecondsCharged,
    int CreditsCharged,
    DateTime? EndedAt,
    [property: System.ComponentModel.DataAnnotations.AllowedValues(MeteredSessionEndReasons.Ended, MeteredSessionEndReasons.CreditsExhausted, MeteredSessionEndReasons.MembershipEnded, MeteredSessionEndReasons.Timeout, null)]
    string? EndedReason)
{
    public static MeteredSessionResponse From(BetaMeteredSessionDocument s) =>
        new(s.Id, s.Feature, s.Status, s.StartedAt, s.LastCheckpointAt, s.SecondsCharged, s.CreditsCharged, s.EndedAt, s.EndedReason);
}

/// <summary>A member starts a metered session of a per-second feature.</summary>
public static class StartMeteredSession
{
    public sealed record Command(string UserId, string? Feature, IReadOnlyList<string> UnknownFields) : ICommand<MeteredSessionResponse>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(BetaSettings settings)
        {
            var perSecond = settings.Prices.Where(p => p.Value.Per == BetaPrice.PerSecond).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
            RuleFor(c => c.UnknownFields).AreRefused(typeof(StartSessionRequest));
            RuleFor(c => c.Feature).NotEmpty().WithMessage("Feature is required.")
                .OneOf(perSecond).WithMessage($"Feature must be one of: {string.Join(", ", perSecond)}.");
        }
    }

    public sealed class Handler(MeteredSessions sessions) : ICommandHandler<Command, MeteredSessionResponse>
    {
        public async ValueTask<MeteredSessionResponse> Handle(Command command, CancellationToken cancellationToken) =>
            MeteredSessionResponse.From(await sessions.StartAsync(command.UserId, command.Feature!, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/sessions", async (StartSessionRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
        {
            var started = await sender.Send(new Command(http.User.Id(), request.Feature, UnknownFields.In(request.Unknown)), ct);
            return TypedResults.Created($"/api/beta/sessions/{started.SessionId}", started);
        })
        .WithName("StartMeteredSession")
        .WithSummary("Start a metered session of a per-second AI feature")
        .WithDescription("For active members only. Charges nothing yet: each checkpoint charges the whole seconds since the previous one, " +
            "at the feature's price per second. 402 (type `" + EnrollmentProblems.InsufficientCredits + "`) when the balance does not cover one second; " +
            "403 (type `" + EnrollmentProblems.NotMember + "`) for an account that is not an active member.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status402PaymentRequired)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>A member's own session; another user's is a 404.</summary>
public static class GetMeteredSession
{
    public sealed record Query(string UserId, string SessionId) : IQuery<MeteredSessionResponse>;

    public sealed class Handler(MeteredSessions sessions) : IQueryHandler<Query, MeteredSessionResponse>
    {
        public async ValueTask<MeteredSessionResponse> Handle(Query query, CancellationToken cancellationToken) =>
            MeteredSessionResponse.From(await sessions.GetAsync(query.UserId, query.SessionId, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/sessions/{id}", async (string id, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(http.User.Id(), id), ct)))
        .WithName("GetMeteredSession")
        .WithSummary("One of the member's metered sessions")
        .WithDescription("What it has charged so far, and whether and why it ended.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}

/// <summary>Charges a session's whole seconds since its previous checkpoint, or ends it.</summary>
public static class AdvanceMeteredSession
{
    public sealed record Command(string UserId, string SessionId, bool End) : ICommand<MeteredSessionResponse>;

    public sealed class Handler(MeteredSessions sessions) : ICommandHandler<Command, MeteredSessionResponse>
    {
        public async ValueTask<MeteredSessionResponse> Handle(Command command, CancellationToken cancellationToken) =>
            MeteredSessionResponse.From(await sessions.AdvanceAsync(command.UserId, command.SessionId, command.End, cancellationToken));
    }

    internal static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/sessions/{id}/checkpoint", async (string id, HttpContext http, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new Command(http.User.Id(), id, End: false), ct)))
            .WithName("CheckpointMeteredSession")
            .WithSummary("Charge a metered session's whole seconds since its previous checkpoint")
            .WithDescription("The fraction of a second left over is charged at the next checkpoint. When the balance does not cover the " +
                "seconds due, the seconds it covers are charged, the session ends (credits_exhausted) and the answer is 402; when the " +
                "membership has ended meanwhile, it ends without a charge and the answer is 403. A session without a checkpoint for longer than " +
                "Beta:SessionTimeout ends charged up to its last checkpoint, as the idle-session job ends it, and answers 409, as does a session that has ended.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/sessions/{id}/end", async (string id, HttpContext http, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new Command(http.User.Id(), id, End: true), ct)))
            .WithName("EndMeteredSession")
            .WithSummary("End a metered session, charging its remaining whole seconds")
            .WithDescription("Charges what the balance covers of the seconds since the last checkpoint. Ending a session that has " +
                "already ended (by the member, the timeout or running out of credits) answers it unchanged.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
