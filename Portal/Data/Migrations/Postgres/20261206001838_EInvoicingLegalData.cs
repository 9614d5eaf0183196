using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EInvoicingLegalData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "InvoiceLines",
                type: "character varying(60)",
                maxLength: 60,
                nullable: false,
                defaultValue: "Service");

            migrationBuilder.AddColumn<string>(
                name: "ElectronicAddress",
                table: "Firms",
                type: "character varying(125)",
                maxLength: 125,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "VatOnDebits",
                table: "Firms",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Address",
                table: "ClientAccounts",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Country",
                table: "ClientAccounts",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddress",
                table: "ClientAccounts",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "ClientAccounts",
                type: "character varying(60)",
                maxLength: 60,
                nullable: false,
                defaultValue: "NotStated");

            migrationBuilder.AddColumn<string>(
                name: "Siren",
                table: "ClientAccounts",
                type: "character varying(9)",
                maxLength: 9,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Siret",
                table: "ClientAccounts",
                type: "character varying(14)",
                maxLength: 14,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VatNumber",
                table: "ClientAccounts",
                type: "character varying(15)",
                maxLength: 15,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Kind",
                table: "InvoiceLines");

            migrationBuilder.DropColumn(
                name: "ElectronicAddress",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "VatOnDebits",
                table: "Firms");

            migrationBuilder.DropColumn(
                name: "Address",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "Country",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "DeliveryAddress",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "Siren",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "Siret",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "VatNumber",
                table: "ClientAccounts");
        }
    }
}
