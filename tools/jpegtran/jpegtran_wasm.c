/* MozJPEG's lossless transcode for the page: the calls of mozjpeg-lossless-optimization 1.3.2's mozjpeg_opti.c in
 * the same order (so the bytes equal the native package's), copying no optional marker, with both libjpeg error
 * managers trapped: the native package lets the writer's errors call exit(); here every error returns 0 and its
 * message is kept for jpegtran_error(). Built by tools/build_jpegtran_wasm.py. */
#include <setjmp.h>
#include "cdjpeg.h"
#include "transupp.h"

static jmp_buf escape;
static char last_error[JMSG_LENGTH_MAX];

static void trap_exit(j_common_ptr cinfo) {
  (*cinfo->err->format_message)(cinfo, last_error);
  longjmp(escape, 1);
}

static void quiet(j_common_ptr cinfo, int msg_level) {
  (void)cinfo;
  (void)msg_level;
}

const char *jpegtran_error(void) { return last_error; }

/* -> length of *output (malloc'ed, the caller frees it), or 0 with jpegtran_error() saying why. */
unsigned long jpegtran_optimize(unsigned char *input, unsigned long input_length, unsigned char **output) {
  struct jpeg_decompress_struct srcinfo;
  struct jpeg_compress_struct dstinfo;
  struct jpeg_error_mgr srcerr, dsterr;
  unsigned long output_length = 0;
  *output = NULL;
  last_error[0] = 0;
  srcinfo.err = jpeg_std_error(&srcerr);
  srcerr.error_exit = trap_exit;
  srcerr.emit_message = quiet;
  jpeg_create_decompress(&srcinfo);
  jcopy_markers_setup(&srcinfo, JCOPYOPT_NONE);
  dstinfo.err = jpeg_std_error(&dsterr);
  dsterr.error_exit = trap_exit;
  dsterr.emit_message = quiet;
  jpeg_create_compress(&dstinfo);
  if (setjmp(escape)) {
    jpeg_destroy_compress(&dstinfo);
    jpeg_destroy_decompress(&srcinfo);
    *output = NULL;  /* not freed: the writer may have replaced it already; the page drops a failed instance */
    return 0;
  }
  dstinfo.optimize_coding = TRUE;
  jpeg_simple_progression(&dstinfo);
  jpeg_mem_src(&srcinfo, input, input_length);
  jpeg_read_header(&srcinfo, TRUE);
  jvirt_barray_ptr *coefficients = jpeg_read_coefficients(&srcinfo);
  jpeg_mem_dest(&dstinfo, output, &output_length);
  jpeg_copy_critical_parameters(&srcinfo, &dstinfo);
  jpeg_write_coefficients(&dstinfo, coefficients);
  jcopy_markers_execute(&srcinfo, &dstinfo, JCOPYOPT_NONE);
  jpeg_finish_compress(&dstinfo);
  jpeg_destroy_compress(&dstinfo);
  jpeg_finish_decompress(&srcinfo);
  jpeg_destroy_decompress(&srcinfo);
  return output_length;
}
