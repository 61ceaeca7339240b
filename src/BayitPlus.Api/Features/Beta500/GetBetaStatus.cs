using Mediator;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The program's seats, for anyone (no sign-in).</summary>
public static class GetBetaStatus
{
    public sealed record Query : IQuery<BetaStatusResponse>;

    public sealed class Handler(BetaSeats seats, BetaSettings settings) : IQueryHandler<Query, BetaStatusResponse>
    {
        public async ValueTask<BetaStatusResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var filled = await seats.FilledAsync(cancellationToken);
            var available = Math.Max(0, settings.Seats - filled);
            return new BetaStatusResponse(available > 0, settings.Seats, filled, available, settings.DurationDays, settings.InitialCredits);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/status", async (ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(), ct)))
        .AllowAnonymous()
        .WithName("GetBetaStatus")
        .WithSummary("The Beta 500 program's seats: open, filled and available")
        .WithDescription("Anonymous. `isOpen` is true while a seat is free; `durationDays` and `creditsPerMember` are what a new member gets.");
}
