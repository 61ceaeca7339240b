using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;

namespace BayitPlus.Api.Infrastructure.Catalog;

/// <summary>A search's taxonomy filters as the query string gives them (repeated values of one axis,
/// years as text so a malformed one is a 400 naming it).</summary>
public interface ITaxonomyFilterQuery
{
    IReadOnlyList<string> Section { get; }

    IReadOnlyList<string> Format { get; }

    IReadOnlyList<string> Audience { get; }

    IReadOnlyList<string> Genre { get; }

    IReadOnlyList<string> Topic { get; }

    string? YearFrom { get; }

    string? YearTo { get; }
}

/// <summary>The rules of a search's taxonomy filters, one set for catalog search and AI search, so
/// both accept and refuse the same values with the same messages; a search's validator derives
/// from it and adds its own rules.</summary>
public abstract class TaxonomyFilterValidator<T> : AbstractValidator<T>
    where T : ITaxonomyFilterQuery
{
    protected TaxonomyFilterValidator()
    {
        Choices(c => c.Format, "format", CatalogTaxonomy.Formats);
        Choices(c => c.Audience, "audience", CatalogTaxonomy.Audiences);
        Slugs(c => c.Section, "section");
        Slugs(c => c.Genre, "genre");
        Slugs(c => c.Topic, "topic");
        RuleFor(c => c.YearFrom).WholeNumber(CatalogTaxonomy.MinYear, CatalogTaxonomy.MaxYear)
            .WithMessage($"yearFrom must be a year between {CatalogTaxonomy.MinYear} and {CatalogTaxonomy.MaxYear}.");
        RuleFor(c => c.YearTo).WholeNumber(CatalogTaxonomy.MinYear, CatalogTaxonomy.MaxYear)
            .WithMessage($"yearTo must be a year between {CatalogTaxonomy.MinYear} and {CatalogTaxonomy.MaxYear}.");
        RuleFor(c => c.YearTo).Must((c, to) => Year(to) >= Year(c.YearFrom))
            .When(c => Year(c.YearFrom) is not null && Year(c.YearTo) is not null)
            .WithMessage("yearTo must not be before yearFrom.");
    }

    /// <summary>The filter of a valid query.</summary>
    public static CatalogFilter Filter(T query) => new(
        query.Section, query.Format, query.Audience, query.Genre, query.Topic,
        DescriptiveRules.ParseWholeNumber(query.YearFrom), DescriptiveRules.ParseWholeNumber(query.YearTo));

    private void Slugs(System.Linq.Expressions.Expression<Func<T, IReadOnlyList<string>>> axis, string name)
    {
        RuleFor(axis).EachMatches(CatalogTaxonomy.SlugPattern, CatalogTaxonomy.MaxSlugLength)
            .WithMessage($"{name} values must be lowercase slugs (letters, digits and dashes).");
        RuleFor(axis).MaxItems(CatalogTaxonomy.MaxValuesPerAxis)
            .WithMessage($"At most {CatalogTaxonomy.MaxValuesPerAxis} {name} values can be combined.");
    }

    private void Choices(System.Linq.Expressions.Expression<Func<T, IReadOnlyList<string>>> axis, string name, IEnumerable<string> allowed)
    {
        RuleFor(axis).EachOneOf(allowed).WithMessage($"{name} must be one of: {string.Join(", ", allowed)}.");
        RuleFor(axis).MaxItems(CatalogTaxonomy.MaxValuesPerAxis)
            .WithMessage($"At most {CatalogTaxonomy.MaxValuesPerAxis} {name} values can be combined.");
    }

    /// <summary>A year within range, or null: the range rules report the rest.</summary>
    private static int? Year(string? value) =>
        DescriptiveRules.ParseWholeNumber(value) is { } year && year >= CatalogTaxonomy.MinYear && year <= CatalogTaxonomy.MaxYear ? year : null;
}
