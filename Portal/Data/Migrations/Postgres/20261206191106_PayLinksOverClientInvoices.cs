using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PayLinksOverClientInvoices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "InvoiceId",
                table: "PayLinks",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "PayLinks",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true);

            // The links made so far are each for one invoice.
            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "PayLinks",
                type: "character varying(60)",
                maxLength: 60,
                nullable: false,
                defaultValue: "Invoice");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Currency",
                table: "PayLinks");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "PayLinks");

            migrationBuilder.AlterColumn<Guid>(
                name: "InvoiceId",
                table: "PayLinks",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
