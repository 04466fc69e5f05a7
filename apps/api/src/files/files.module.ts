import { Module } from '@nestjs/common';
import { FilesController } from './files.controller';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';
import { StoredFileReaper } from './stored-file.reaper';
import { FileUploadService } from './upload/file-upload.service';
import { UploadSweeper } from './upload-sweeper.service';

@Module({
  controllers: [FilesController],
  providers: [FilesRepository, FilesService, FileUploadService, StoredFileReaper, UploadSweeper],
})
export class FilesModule {}
