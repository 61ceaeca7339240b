using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The validation rules the catalog's admin resources share. Messages name the field as
/// clients send it (camelCase).</summary>
public static class CatalogRules
{
    public const int MaxUrlLength = 2048;
    public const int MaxNameLength = 200;
    public const int MaxTitleLength = 300;
    public const int MaxDescriptionLength = 5000;
    public const int MaxSlugLength = 50;

    public static IRuleBuilderOptions<T, string?> Required<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) => rule
        .NotEmpty().WithMessage($"{field} is required.")
        .MaximumLength(maxLength).WithMessage($"{field} must be at most {maxLength} characters long.");

    public static IRuleBuilderOptions<T, string?> Optional<T>(this IRuleBuilder<T, string?> rule, string field, int maxLength) => rule
        .MaximumLength(maxLength).WithMessage($"{field} must be at most {maxLength} characters long.");

    /// <summary>Absent, or an absolute http(s) URL.</summary>
    public static IRuleBuilderOptions<T, string?> HttpUrl<T>(this IRuleBuilder<T, string?> rule, string field) => rule
        .MaximumLength(MaxUrlLength).WithMessage($"{field} must be at most {MaxUrlLength} characters long.")
        .AbsoluteHttpUri().WithMessage($"{field} must be an absolute http or https URL.");

    public static IRuleBuilderOptions<T, string?> Slug<T>(this IRuleBuilder<T, string?> rule, string field) => rule
        .Pattern(Taxonomy.SlugPattern, MaxSlugLength).WithMessage($"{field} must be a lowercase slug of letters, digits and single hyphens (e.g. \"kids-shows\"), at most {MaxSlugLength} characters.");

    /// <summary>A list of distinct slugs, at most <paramref name="maxCount"/> of them.</summary>
    public static IRuleBuilderOptions<T, List<string>> Slugs<T>(this IRuleBuilder<T, List<string>> rule, string field, int maxCount) => rule
        .MaxItems(maxCount).WithMessage($"{field} must hold at most {maxCount} values.")
        .EachMatches(Taxonomy.SlugPattern, MaxSlugLength).WithMessage($"{field} must hold lowercase slugs of letters, digits and single hyphens (e.g. \"kids-shows\"), at most {MaxSlugLength} characters each.")
        .UniqueItems().WithMessage($"{field} must not repeat a value.");

    /// <summary>A list of distinct non-empty strings: at most <paramref name="maxCount"/>, each at most <paramref name="maxLength"/> characters.</summary>
    public static IRuleBuilderOptions<T, List<string>> Names<T>(this IRuleBuilder<T, List<string>> rule, string field, int maxCount, int maxLength) => rule
        .MaxItems(maxCount).WithMessage($"{field} must hold at most {maxCount} values.")
        .EachLength(1, maxLength).WithMessage($"{field} must hold non-empty values of at most {maxLength} characters.")
        .UniqueItems().WithMessage($"{field} must not repeat a value.");

    public static IRuleBuilderOptions<T, string?> Language<T>(this IRuleBuilder<T, string?> rule, string field) => rule
        .OneOf(RequestLanguage.Supported).WithMessage($"{field} must be one of: {string.Join(", ", RequestLanguage.Supported)}.");

    /// <summary>An ISO 3166-1 alpha-2 country code, upper case ("IL").</summary>
    public static IRuleBuilderOptions<T, string?> Country<T>(this IRuleBuilder<T, string?> rule, string field) => rule
        .Pattern("^[A-Z]{2}$", 2).WithMessage($"{field} must be a two-letter ISO 3166 country code in upper case (e.g. \"IL\").");
}
