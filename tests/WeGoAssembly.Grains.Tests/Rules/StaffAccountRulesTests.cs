using WeGoAssembly.Contracts.Auth;
using WeGoAssembly.Grains.Rules;

namespace WeGoAssembly.Grains.Tests.Rules;

public sealed class StaffAccountRulesTests
{
    private static readonly StaffAccountChange Valid =
        new("bus.lead_1", "배차 담당 Dispatch", [Role.Logistics], Disabled: false, Password: "two buses to Magok, 9:00");

    [Fact]
    public void A_valid_change_passes_with_the_user_name_in_lower_case_and_the_roles_in_order()
    {
        var (change, errors) = StaffAccountRules.Validate(
            Valid with { UserName = "  Bus.Lead_1 ", Roles = [Role.Logistics, Role.Secretariat, Role.Logistics] }, creating: true);

        Assert.Empty(errors);
        Assert.Equal("bus.lead_1", change.UserName);
        Assert.Equal([Role.Secretariat, Role.Logistics], change.Roles);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(200)]
    public void Passwords_of_12_to_200_characters_pass(int length) =>
        Assert.Empty(StaffAccountRules.Validate(Valid with { Password = new string('p', length) }, creating: true).Errors);

    [Fact]
    public void An_update_may_leave_the_password_empty_to_keep_it_but_a_creation_may_not()
    {
        Assert.Empty(StaffAccountRules.Validate(Valid with { Password = "" }, creating: false).Errors);
        Assert.Equal("password", Assert.Single(StaffAccountRules.Validate(Valid with { Password = "" }, creating: true).Errors).Field);
    }

    public static TheoryData<string, StaffAccountChange> Invalid => new()
    {
        { "user_name", Valid with { UserName = "" } },
        { "user_name", Valid with { UserName = "bus lead" } },
        { "user_name", Valid with { UserName = "관리자" } },
        { "user_name", Valid with { UserName = "admin@wego" } },
        { "user_name", Valid with { UserName = new string('a', 65) } },
        { "display_name", Valid with { DisplayName = " " } },
        { "display_name", Valid with { DisplayName = new string('가', 101) } },
        { "display_name", Valid with { DisplayName = "tab\there" } },
        { "roles", Valid with { Roles = [] } },
        { "roles", Valid with { Roles = [Role.Participant] } },
        { "roles", Valid with { Roles = [Role.Secretariat, (Role)0] } },
        { "roles", Valid with { Roles = [(Role)42] } },
        { "password", Valid with { Password = new string('p', 11) } },
        { "password", Valid with { Password = new string('p', 201) } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_bad_field_is_named(string field, StaffAccountChange change)
    {
        var errors = StaffAccountRules.Validate(change, creating: false).Errors;

        Assert.Equal(field, Assert.Single(errors).Field);
        Assert.False(string.IsNullOrWhiteSpace(errors[0].Message));
    }
}
