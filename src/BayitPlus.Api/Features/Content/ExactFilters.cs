using System.Linq.Expressions;
using FluentValidation;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The exact-value filters of the one-page lineups (live channels, radio stations): the
/// active documents whose fields equal the values given, each bounded in length.</summary>
public static class ExactFilters
{
    public const int MaxLength = 60;

    public static IRuleBuilderOptions<T, string?> ExactFilterValue<T>(this IRuleBuilder<T, string?> rule, string name) =>
        rule.MaximumLength(MaxLength).WithMessage($"{name} must be at most {MaxLength} characters long.");

    /// <summary>Active documents whose fields equal each value; a null or empty value does not filter.</summary>
    public static FilterDefinition<T> ActiveWhere<T>(Expression<Func<T, bool>> isActive, params (Expression<Func<T, string?>> Field, string? Value)[] equal)
    {
        var filter = Builders<T>.Filter;
        var clauses = new List<FilterDefinition<T>> { filter.Eq(isActive, true) };
        clauses.AddRange(equal.Where(e => !string.IsNullOrEmpty(e.Value)).Select(e => filter.Eq(e.Field, e.Value)));
        return filter.And(clauses);
    }
}
