using System.Globalization;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Validators;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>Admin: members, newest enrollment first, filtered by active flag, review flag and fraud
/// score range (both ends included), in keyset pages (<c>enrolled_at</c>, then <c>_id</c>).</summary>
public static class ListBetaMembers
{
    private static readonly Keyset<BetaUserDocument> Newest = new("beta-members", "enrolled_at", BsonType.DateTime, m => m.EnrolledAt, m => m.Id);

    /// <summary>The query string, as text: a malformed value is a 400 naming its parameter.</summary>
    public sealed record Query(string? IsActive, string? Flagged, string? MinFraudScore, string? MaxFraudScore, string? Cursor, string? Limit) : IQuery<Page<BetaMemberResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.IsActive).Boolean().WithMessage("isActive must be true or false.");
            RuleFor(q => q.Flagged).Boolean().WithMessage("flagged must be true or false.");
            RuleFor(q => q.MinFraudScore).SetValidator(new ScoreTextValidator<Query>()).WithMessage("minFraudScore must be a number from 0 to 1.");
            RuleFor(q => q.MaxFraudScore).SetValidator(new ScoreTextValidator<Query>()).WithMessage("maxFraudScore must be a number from 0 to 1.");
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Cursor).PageCursor(Newest);
        }
    }

    public sealed class Handler(MongoContext db, BetaSettings settings) : IQueryHandler<Query, Page<BetaMemberResponse>>
    {
        public async ValueTask<Page<BetaMemberResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = Builders<BetaUserDocument>.Filter;
            var conditions = new List<FilterDefinition<BetaUserDocument>>();
            if (!string.IsNullOrEmpty(query.IsActive))
            {
                conditions.Add(filter.Eq(m => m.IsActive, bool.Parse(query.IsActive)));
            }

            if (!string.IsNullOrEmpty(query.Flagged))
            {
                conditions.Add(filter.Eq(m => m.FlaggedForReview, bool.Parse(query.Flagged)));
            }

            if (ScoreTextValidator<Query>.Parse(query.MinFraudScore) is { } min)
            {
                conditions.Add(filter.Gte(m => m.FraudScore, min));
            }

            if (ScoreTextValidator<Query>.Parse(query.MaxFraudScore) is { } max)
            {
                conditions.Add(filter.Lte(m => m.FraudScore, max));
            }

            var page = await Newest.ReadAsync(
                Membership.Members(db), conditions.Count > 0 ? filter.And(conditions) : filter.Empty, query.Cursor, query.Limit, cancellationToken);
            return page.Select(member => BetaMemberResponse.Of(member, settings));
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("", async (string? isActive, string? flagged, string? minFraudScore, string? maxFraudScore, string? cursor, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(isActive, flagged, minFraudScore, maxFraudScore, cursor, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListBetaMembers")
        .WithSummary("Admin: list Beta 500 members, newest first, filtered by isActive, flagged and fraud score")
        .WithDescription("Every member ever enrolled, active or not, with the fraud signals and score of their enrollment. `flagged=true` lists " +
            "the enrollments waiting for review; `minFraudScore` and `maxFraudScore` bound the score, both included.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>Text that is a fraud score, a number from 0 to 1: documented as that number.</summary>
public sealed class ScoreTextValidator<T> : PropertyValidator<T, string?>, IDescriptiveRule
{
    public override string Name => "ScoreTextValidator";

    public static double? Parse(string? value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var score) && score is >= 0 and <= 1 ? score : null;

    public override bool IsValid(ValidationContext<T> context, string? value) => string.IsNullOrEmpty(value) || Parse(value) is not null;

    public void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        RuleSchema.SetType(schema, Microsoft.OpenApi.JsonSchemaType.Number);
        schema.Format = "double";
        schema.MaxLength = null;
        schema.Minimum = "0";
        schema.Maximum = "1";
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{PropertyName} must be a number from 0 to 1.";
}
