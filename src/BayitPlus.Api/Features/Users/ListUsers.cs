using System.Text.RegularExpressions;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using MapsterMapper;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Admin: lists accounts newest first, filtered by role, active flag and email prefix, in
/// keyset pages (<c>created_at</c>, then <c>_id</c>), so accounts created while an admin pages
/// through the list never shift a page: no account is repeated or skipped.</summary>
public static class ListUsers
{
    private static readonly Keyset<UserDocument> Newest = new("users", "created_at", BsonType.DateTime, u => u.CreatedAt, u => u.Id);

    /// <summary>The query string, as text: a malformed value is a 400 naming its parameter.</summary>
    public sealed record Query(string? Role, string? IsActive, string? Email, string? Cursor, string? Limit) : IQuery<Page<UserResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Role).OneOf(Roles.All).WithMessage($"Role must be one of: {string.Join(", ", Roles.All)}.");
            RuleFor(q => q.IsActive).Boolean().WithMessage("isActive must be true or false.");
            RuleFor(q => q.Email).MaximumLength(254).WithMessage("Email must be at most 254 characters long.")
                .Must(email => email is null || !email.Any(char.IsControl)).WithMessage("Email must not contain control characters.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

    public sealed class Handler(MongoContext db, IMapper mapper) : IQueryHandler<Query, Page<UserResponse>>
    {
        public async ValueTask<Page<UserResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<UserDocument>.Filter;
            var conditions = new List<FilterDefinition<UserDocument>>();
            if (query.Role is not null)
            {
                conditions.Add(filter.Eq(u => u.Role, query.Role));
            }

            if (!string.IsNullOrEmpty(query.IsActive))
            {
                conditions.Add(filter.Eq(u => u.IsActive, bool.Parse(query.IsActive)));
            }

            if (!string.IsNullOrWhiteSpace(query.Email))
            {
                // Stored emails are lowercase, so lowercasing the prefix makes the match
                // case-insensitive while an anchored, case-sensitive regex can still use the index.
                conditions.Add(filter.Regex(u => u.Email, new BsonRegularExpression("^" + Regex.Escape(Emails.Normalize(query.Email)))));
            }

            var page = await Newest.ReadAsync(
                db.Users(), conditions.Count > 0 ? filter.And(conditions) : filter.Empty, query.Cursor, query.Limit, cancellationToken);
            return page.Select(mapper.Map<UserResponse>);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("", async (string? role, string? isActive, string? email, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(role, isActive, email, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListUsers")
        .WithSummary("Admin: list accounts, newest first, filtered by role, isActive and email prefix")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
