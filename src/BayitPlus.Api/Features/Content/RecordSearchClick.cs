using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Records which result a user opened from a search (<c>clicked_result</c>). The spec keeps
/// one clicked result per search, so a later click replaces an earlier one. A signed-in user's
/// search can be clicked only by that user (anyone else gets the same 404 as for an unknown
/// search); an anonymous search has no owner to protect and can be clicked by any caller.</summary>
public static class RecordSearchClick
{
    [ValidatedAs(typeof(Command))]
    public sealed record Request(string? ContentId);

    public sealed record Command(string SearchId, string? ContentId, string? UserId) : ICommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.ContentId)
                .Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("contentId is required.")
                .ObjectId().WithMessage("contentId is not a content id.");
    }

    public sealed class Handler(MongoContext db) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var searches = db.Collection<SearchQueryDocument>(SearchQueryDocument.CollectionName);
            var search = Builders<SearchQueryDocument>.Filter.And(
                Builders<SearchQueryDocument>.Filter.Eq(s => s.Id, Ids.Parse(command.SearchId, "Search").ToString()),
                Builders<SearchQueryDocument>.Filter.In(s => s.UserId, new[] { command.UserId, null }.Distinct()));
            if (await searches.CountDocumentsAsync(search, new CountOptions { Limit = 1 }, cancellationToken) == 0)
            {
                throw new NotFoundException("Search");
            }

            var contentId = ObjectId.Parse(command.ContentId);
            var content = db.Collection<BsonDocument>(ContentDocument.CollectionName);
            if (await content.CountDocumentsAsync(new BsonDocument("_id", contentId), new CountOptions { Limit = 1 }, cancellationToken) == 0)
            {
                throw new NotFoundException("Content");
            }

            await searches.UpdateOneAsync(
                search,
                Builders<SearchQueryDocument>.Update.Set(s => s.ClickedResult, contentId.ToString()),
                cancellationToken: cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/{searchId}/click", async (string searchId, Request request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(searchId, request.ContentId, SearchModule.SignedInUserId(user)), ct);
            return TypedResults.NoContent();
        })
        .WithName("RecordSearchClick")
        .WithSummary("Record the result a user opened from a search")
        .WithDescription(
            "searchId is the one a search answered (every page of a search answers the same one); the body names the opened item, { contentId }. " +
            "A search keeps one click: a later click replaces it. Anonymous callers may record clicks on anonymous searches; a signed-in user's search " +
            "accepts clicks only with that user's token. 404 when the search is unknown or another user's, or the content item is unknown; " +
            "400 when contentId is missing or not an id. Answers 204 with no body.")
        .AllowAnonymous()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
