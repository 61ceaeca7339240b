using System.Globalization;
using System.Linq.Expressions;
using FluentValidation;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Validation;
using MongoDB.Driver;

namespace BayitPlus.Api.Infrastructure;

/// <summary>
/// The one rule for the <c>from</c>/<c>to</c> query parameters of a time-filtered query: ISO 8601
/// dates or date-times (without an offset they are UTC, the stored clock, not the server's zone),
/// both ends included (each documented as a date-time). They are read as text so a malformed one is a 400 naming it, and a reversed
/// range is always a 400 naming <c>from</c>. An endpoint documents them (date-time) with
/// <see cref="QueryRules.WithQueryRules{TMessage}"/>.
/// </summary>
public static class TimeRange
{
    /// <summary>The longest date text read, the same as a date in a request body.</summary>
    public const int MaxLength = UtcDateConverters.MaxReadLength;

    /// <summary>The instant <paramref name="value"/> names, or null when it is not an ISO 8601 date
    /// or date-time of at most <see cref="MaxLength"/> characters.</summary>
    public static DateTime? Parse(string? value) =>
        value is { Length: <= MaxLength } && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.UtcDateTime : null;

    /// <summary>Adds the rules for a query's <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static void TimeRangeRules<T>(this AbstractValidator<T> validator, Expression<Func<T, string?>> from, Expression<Func<T, string?>> to)
    {
        var end = to.Compile();
        validator.RuleFor(from).Timestamp().WithMessage("from must be an ISO 8601 date, such as 2026-03-01 or 2026-03-01T12:00:00Z.");
        validator.RuleFor(to).Timestamp().WithMessage("to must be an ISO 8601 date, such as 2026-03-01 or 2026-03-01T12:00:00Z.");
        validator.RuleFor(from).Must((query, start) => Parse(start) is not { } first || Parse(end(query)) is not { } last || first <= last)
            .WithMessage("from must not be after to.");
    }

    /// <summary>The documents whose <paramref name="field"/> lies in the range (everything when neither end is given).</summary>
    public static FilterDefinition<TDocument> Filter<TDocument>(Expression<Func<TDocument, DateTime>> field, string? from, string? to)
    {
        var filter = Builders<TDocument>.Filter;
        var range = filter.Empty;
        if (Parse(from) is { } start)
        {
            range &= filter.Gte(field, start);
        }

        if (Parse(to) is { } end)
        {
            range &= filter.Lte(field, end);
        }

        return range;
    }
}
