using System.Globalization;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Features.Content.Admin;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Microsoft.Extensions.Time.Testing;
using Microsoft.OpenApi;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>How each kind of validation rule is written into a JSON schema, without a host.</summary>
public sealed class RuleSchemaTests
{
    [Fact]
    public void Length_email_and_regular_expression_rules_become_string_limits_and_not_empty_makes_it_required()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Text).NotEmpty().Length(2, 30).EmailAddress().Matches("^[a-z@.]+$");

        var (schema, required) = Property(validator, nameof(Sample.Text));

        Assert.Equal((2, 30, "email", "^[a-z@.]+$"), (schema.MinLength, schema.MaxLength, schema.Format, schema.Pattern));
        Assert.True(required);
    }

    [Fact]
    public void A_conditional_not_empty_does_not_make_a_field_required()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Text).NotEmpty().MaximumLength(10).When(s => s.Number is not null);

        var (schema, required) = Property(validator, nameof(Sample.Text));

        Assert.False(required);
        Assert.Equal(10, schema.MaxLength);
    }

    [Fact]
    public void Ranges_and_comparisons_become_bounds_exclusive_where_the_rule_is()
    {
        var inclusive = new InlineValidator<Sample>();
        inclusive.RuleFor(s => s.Number).InclusiveBetween(1, 9999);
        var exclusive = new InlineValidator<Sample>();
        exclusive.RuleFor(s => s.Number).GreaterThan(0).LessThanOrEqualTo(500);
        var between = new InlineValidator<Sample>();
        between.RuleFor(s => s.Number).ExclusiveBetween(0, 10);

        var (closed, _) = Property(inclusive, nameof(Sample.Number));
        var (open, _) = Property(exclusive, nameof(Sample.Number));
        var (strict, _) = Property(between, nameof(Sample.Number));

        Assert.Equal(("1", "9999", (string?)null, (string?)null), (closed.Minimum, closed.Maximum, closed.ExclusiveMinimum, closed.ExclusiveMaximum));
        Assert.Equal(((string?)null, "0", "500"), (open.Minimum, open.ExclusiveMinimum, open.Maximum));
        Assert.Equal(("0", "10"), (strict.ExclusiveMinimum, strict.ExclusiveMaximum));
    }

    [Fact]
    public void An_integer_without_a_rule_on_a_bound_gets_its_type_bounds()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Number).GreaterThan(0);

        var (schema, _) = Property(validator, nameof(Sample.Number));

        Assert.Equal(("int32", "0", int.MaxValue.ToString(CultureInfo.InvariantCulture)), (schema.Format, schema.ExclusiveMinimum, schema.Maximum));
        Assert.Null(schema.Minimum);
    }

    [Fact]
    public void Descriptive_rules_become_enum_uri_and_byte_limits()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Text).OneOf(["a", "b"]);
        validator.RuleFor(s => s.Url).MaximumLength(2048).AbsoluteHttpUri();
        validator.RuleFor(s => s.Secret).MaxBytes(72);

        Assert.Equal(["a", "b"], Property(validator, nameof(Sample.Text)).Schema.Enum!.Select(v => v!.GetValue<string>()));
        Assert.Equal(("uri", 2048), (Property(validator, nameof(Sample.Url)).Schema.Format, Property(validator, nameof(Sample.Url)).Schema.MaxLength));
        Assert.Equal(72, Property(validator, nameof(Sample.Secret)).Schema.MaxLength);
    }

    [Fact]
    public void Text_rules_for_numbers_booleans_and_dates_give_the_parameter_its_real_type()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Text).WholeNumber(1800, 2200, defaultValue: 2000);
        validator.RuleFor(s => s.Url).Boolean();
        validator.RuleFor(s => s.Secret).Timestamp();

        var number = Property(validator, nameof(Sample.Text)).Schema;
        var flag = Property(validator, nameof(Sample.Url)).Schema;
        var date = Property(validator, nameof(Sample.Secret)).Schema;

        Assert.Equal((JsonSchemaType.Integer, "int32", "1800", "2200", 2000), (number.Type, number.Format, number.Minimum, number.Maximum, number.Default!.GetValue<int>()));
        Assert.Equal(JsonSchemaType.Boolean, flag.Type);
        Assert.Equal(("date-time", BayitPlus.Api.Infrastructure.TimeRange.MaxLength), (date.Format, date.MaxLength));
    }

    [Fact]
    public void List_rules_become_item_count_uniqueness_and_item_limits()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Tags).MinItems(1).MaxItems(20).UniqueItems().EachMatches(Taxonomy.SlugPattern, 50);
        validator.RuleFor(s => s.Kinds).EachOneOf(["movie", "clip"]).EachLength(1, 10);

        var tags = Property(validator, nameof(Sample.Tags)).Schema;
        var kinds = Property(validator, nameof(Sample.Kinds)).Schema;

        Assert.Equal((1, 20, true), (tags.MinItems, tags.MaxItems, tags.UniqueItems));
        Assert.Equal((Taxonomy.SlugPattern, 50), (tags.Items!.Pattern, tags.Items.MaxLength));
        Assert.Equal(["movie", "clip"], kinds.Items!.Enum!.Select(v => v!.GetValue<string>()));
        Assert.Equal((1, 10), (kinds.Items.MinLength, kinds.Items.MaxLength));
    }

    [Fact]
    public void The_rules_message_describes_a_parameter_and_templates_are_left_out()
    {
        var validator = new InlineValidator<Sample>();
        validator.RuleFor(s => s.Text).WholeNumber(1, 50).WithMessage("limit must be between 1 and 50.");
        validator.RuleFor(s => s.Text).Must(_ => true);

        Assert.Equal("limit must be between 1 and 50.", RuleSchema.Describe(RuleSchema.Components([validator], nameof(Sample.Text))));
    }

    [Fact]
    public void The_content_fields_schema_shows_the_admin_validators_limits()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var validator = new ContentFields.Validator(time);

        Assert.Equal(("1888", "2031"), (Property(validator, nameof(ContentFields.Year)).Schema.Minimum, Property(validator, nameof(ContentFields.Year)).Schema.Maximum));
        Assert.Equal(("0", "10"), (Property(validator, nameof(ContentFields.Rating)).Schema.Minimum, Property(validator, nameof(ContentFields.Rating)).Schema.Maximum));
        Assert.Equal("0", Property(validator, nameof(ContentFields.TmdbId)).Schema.ExclusiveMinimum);
        var sections = Property(validator, nameof(ContentFields.SectionIds)).Schema;
        Assert.Equal((1, 20, true, CatalogRules.MaxSlugLength), (sections.MinItems, sections.MaxItems, sections.UniqueItems, sections.Items!.MaxLength));
        Assert.Equal(Taxonomy.Formats, Property(validator, nameof(ContentFields.ContentFormat)).Schema.Enum!.Select(v => v!.GetValue<string>()));
        Assert.Equal(Taxonomy.Audiences, Property(validator, nameof(ContentFields.AudienceId)).Schema.Enum!.Select(v => v!.GetValue<string>()));
        var stream = Property(validator, nameof(ContentFields.StreamUrl));
        Assert.Equal(("uri", CatalogRules.MaxUrlLength, true), (stream.Schema.Format, stream.Schema.MaxLength, stream.Required));
        Assert.Equal(ContentFields.Validator.MaxDurationLength, Property(validator, nameof(ContentFields.Duration)).Schema.MaxLength);
        Assert.Equal((CatalogRules.MaxTitleLength, true), (Property(validator, nameof(ContentFields.Title)).Schema.MaxLength, Property(validator, nameof(ContentFields.Title)).Required));
        var cast = Property(validator, nameof(ContentFields.Cast)).Schema;
        Assert.Equal((50, CatalogRules.MaxNameLength), (cast.MaxItems, cast.Items!.MaxLength));
    }

    [Fact]
    public void The_live_channel_and_radio_fields_schemas_show_their_limits()
    {
        var channel = new LiveChannelFields.Validator();
        var station = new RadioStationFields.Validator();

        var number = Property(channel, nameof(LiveChannelFields.ChannelNumber));
        Assert.Equal(("1", LiveChannelFields.MaxChannelNumber.ToString(CultureInfo.InvariantCulture), true), (number.Schema.Minimum, number.Schema.Maximum, number.Required));
        Assert.Equal(("^[A-Z]{2}$", 2), (Property(channel, nameof(LiveChannelFields.Country)).Schema.Pattern, Property(channel, nameof(LiveChannelFields.Country)).Schema.MaxLength));
        Assert.Equal(["he", "en", "es"], Property(channel, nameof(LiveChannelFields.Language)).Schema.Enum!.Select(v => v!.GetValue<string>()));
        Assert.Equal((Taxonomy.SlugPattern, CatalogRules.MaxSlugLength), (Property(station, nameof(RadioStationFields.Genre)).Schema.Pattern, Property(station, nameof(RadioStationFields.Genre)).Schema.MaxLength));
    }

    /// <summary>The schema a property of <typeparamref name="T"/> gets from <paramref name="validator"/>, and whether it is required.</summary>
    private static (OpenApiSchema Schema, bool Required) Property<T>(IValidator<T> validator, string member)
    {
        var components = RuleSchema.Components([validator], member);
        var schema = RuleSchema.ForType(typeof(T).GetProperty(member)!.PropertyType);
        RuleSchema.Apply(schema, components);
        RuleSchema.BoundIntegers(schema);
        return (schema, RuleSchema.Requires(components));
    }

    public sealed class Sample
    {
        public string? Text { get; set; }

        public string? Url { get; set; }

        public string? Secret { get; set; }

        public int? Number { get; set; }

        public List<string> Tags { get; set; } = [];

        public List<string> Kinds { get; set; } = [];
    }
}
