using Microsoft.Playwright;
using WeGoAssembly.Protos.V1;
using WeGoAssembly.Server.Tests;
using WeGoAssembly.Web.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace WeGoAssembly.Web.Tests;

public sealed partial class ParticipantJourneyTests
{
    // The 8-byte PNG signature and an empty IHDR chunk: what the letter rule reads to tell a PNG.
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    [Fact]
    public async Task A_delegate_registers_a_colleague_uploads_the_letter_and_sees_accreditation_status()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (_, code) = await scene.DelegateAsync("busan", checkIn: false);

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            var page = journey.Page;
            await SignInAsync(journey, code);
            await journey.GotoAsync("/delegation");
            await journey.LiveAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "민준 김" })).ToContainTextAsync("Badge issued");

            await page.GetByLabel("Given name").FillAsync("Ha-eun");
            await page.GetByLabel("Family name").FillAsync("Lee");
            await page.GetByLabel("E-mail").FillAsync("ha-eun.lee@busan.example.org");
            await page.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "Observer" });
            await page.GetByLabel("Language of their messages").SelectOptionAsync(new SelectOptionValue { Label = "한국어" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Ha-eun Lee is registered" })).ToBeVisibleAsync();
            // Her e-mails will be in Korean.
            var registered = (await (await web.Server.SecretariatAsync()).GetDelegation(scene.Id, "busan")).Participants.Single(p => p.GivenName == "Ha-eun");
            Assert.Equal("ko", registered.Language);
            await Expect(page.Locator(".access-code")).Not.ToBeEmptyAsync();
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Ha-eun Lee" })).ToContainTextAsync("Waiting for review");
            await journey.StepAsync("registered");

            var letter = page.GetByLabel("Upload the letter");
            await letter.SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "not a letter"u8.ToArray() });
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct:");
            await journey.StepAsync("wrong-file");
            await letter.SetInputFilesAsync(new FilePayload { Name = "credentials.png", MimeType = "image/png", Buffer = Png });
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Letter received." })).ToBeVisibleAsync();
            await Expect(page.Locator("dl.letter")).ToContainTextAsync("credentials.png (image/png");
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
            await journey.StepAsync("letter");

            var tooLarge = new byte[5 * 1024 * 1024 + 1];
            "%PDF-1.7\n"u8.CopyTo(tooLarge);
            await letter.SetInputFilesAsync(new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = tooLarge });
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("scan.pdf is 5,242,881 bytes; at most 5,242,880 (5 MiB)");
            await Expect(page.Locator("dl.letter")).ToContainTextAsync("credentials.png (image/png");
            await journey.StepAsync("too-large");
        });

        var delegation = await scene.Secretariat.GetDelegation(scene.Id, "busan");
        Assert.Equal("image/png", delegation.CredentialsLetter.ContentType);
        var colleague = delegation.Participants.Single(p => p.GivenName == "Ha-eun");
        Assert.Equal((ParticipantRole.Observer, AccreditationStatus.Submitted), (colleague.Role, colleague.AccreditationStatus));
    }
}
