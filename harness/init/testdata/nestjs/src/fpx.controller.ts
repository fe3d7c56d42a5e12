import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

@Controller({ path: 'payments/fpx' })
export class FpxController {
  constructor(private readonly config: ConfigService) {}

  @Post('direct-ac')
  @HttpCode(200)
  direct(@Body() body: Record<string, string>): string {
    const key = this.config.getOrThrow<string>('FPX_PUBLIC_KEY_PEM');
    const db = this.config.get<string>('DATABASE_URL');
    return key && db && body.fpx_checkSum ? 'OK' : 'BAD';
  }
}
